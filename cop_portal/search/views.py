"""Search at /search/ across knowledge, meetings, discussions and people, showing only what the viewer may see.

On PostgreSQL knowledge is found through each item's stored search vector (stemmed in
the item's language, GIN-indexed), ranked by relevance and freshness, with highlighted
snippets; meetings through their stored vector (a generated column, GIN-indexed). SQLite
(make run) falls back to icontains. Every result set starts from a scoped queryset, so
neither a result nor a count reveals anything hidden.

At network scale a common word matches hundreds of thousands of items: only the newest
RANKED matches the viewer may see (an order an index gives) are ranked on the results page
(CANDIDATES on a section's own paged list), and counts stop past CANDIDATES ("more than 1,000
results"), so a search costs the same whatever the word.

Discussions are found by thread title and by the text of shown posts (never hidden or deleted
ones), one result per thread with a snippet of its best matching post; on PostgreSQL with the
knowledge search's queries and language configurations (vectors built on the fly).
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

from django.contrib.postgres.search import SearchQuery, SearchQueryField
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import (
    Case,
    Exists,
    F,
    FloatField,
    Func,
    OuterRef,
    Q,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Concat, Extract, Now
from django.shortcuts import render
from django.utils.html import escape
from django.utils.safestring import mark_safe

from communities.models import Community
from communities.selectors_people import expertise_card, people_sharing_communities_with, search_people
from communities.translation import prefetch_translations
from discussions.models import Post, Thread
from knowledge.markup import plain_text
from knowledge.models import NEWEST, KnowledgeItem
from members.bidi import interface_language

PAGE_SIZE = 20
SECTION_SIZE = 8
MAX_QUERY = 200
# Markers ts_headline puts around matches; everything else is escaped before they become <mark>.
START, STOP = "\u2983", "\u2984"
LANGUAGE_CONFIGS = {"it": "italian", "en": "english", "ar": "simple"}
# Freshness: an item loses half its freshness bonus in this many days.
FRESHNESS_DAYS = 180.0
FRESHNESS_WEIGHT = 0.2
# How many of the newest matches are ranked, and where counts stop.
CANDIDATES = 1000
# How many of the newest matches the results page ranks for each section. At full scale finding
# them is most of a common word's cost (a walk of the newest-first index, about ten rows read for
# each candidate a visitor may see), so the page ranks fewer than it counts.
RANKED = 200
NO_ID = 0  # no row has it (ids start at 1)


def _ranked(limit: int | None) -> int:
    """Return how many candidates to rank: never more than are counted."""
    return min(limit or RANKED, CANDIDATES)


def _is_postgres() -> bool:
    return connection.vendor == "postgresql"


def highlight(marked: str) -> str:
    """Return snippet text escaped, with only our markers turned into <mark>."""
    text = escape(marked.replace("\n", " "))
    text = text.replace(START, "<mark>").replace(STOP, "</mark>")
    # Close a mark left open by a marker character that was in the text itself.
    if text.count("<mark>") > text.count("</mark>"):
        text += "</mark>"
    return mark_safe(text)  # noqa: S308 - escaped above; only our own <mark> tags remain


def _plain_snippet(text: str, terms: list[str], width: int = 160) -> str:
    """Return an escaped excerpt of text around the first term, with every term in <mark> (SQLite fallback)."""
    text = " ".join(text.split())
    lowered = text.lower()
    positions = [lowered.find(term.lower()) for term in terms if term and lowered.find(term.lower()) >= 0]
    start = max(min(positions) - width // 3, 0) if positions else 0
    excerpt = text[start : start + width]
    pattern = re.compile("|".join(re.escape(t) for t in terms if t), re.IGNORECASE) if terms else None
    out = escape(excerpt)
    if pattern is not None:
        out = pattern.sub(lambda m: f"<mark>{m.group(0)}</mark>", out)
    prefix = "… " if start else ""
    suffix = " …" if start + width < len(text) else ""
    return mark_safe(prefix + out + suffix)  # noqa: S308 - the excerpt is escaped; terms are matched in it


def _language_config():
    return Case(
        *[When(language=code, then=Value(config)) for code, config in LANGUAGE_CONFIGS.items()],
        default=Value("simple"),
    )


TEXT_QUERY_CONFIGS = ("english", "italian", "simple")


class TextQuery(SearchQuery):
    """The words typed, as PostgreSQL reads them in each of TEXT_QUERY_CONFIGS, OR-ed: one tsquery.

    The same SQL as SearchQuery(q, config=c, search_type="websearch") for each config joined with `|`,
    written at once: a search page uses it a dozen times (matches, ranks, headlines, counts), and Django's
    tree of three SearchQuery with their configs took about 0.5 ms to build and compile each time, a
    fifth of the search page's CPU at network scale (issue 15). A SearchQuery, so that `search_vector=`
    takes it as the query it is.
    """

    def __init__(self, q: str):
        Func.__init__(self, output_field=SearchQueryField())  # no source expressions: nothing to resolve
        self.q = q
        self.invert = False

    def as_sql(self, compiler, connection, **extra_context):
        part = "websearch_to_tsquery(%s::regconfig, %s)"
        sql = part
        for _config in TEXT_QUERY_CONFIGS[1:]:
            sql = f"({sql} || {part})"
        params = [value for config in TEXT_QUERY_CONFIGS for value in (config, self.q)]
        return sql, params

    def __str__(self) -> str:
        return f"TextQuery({self.q!r})"


def bounded_count(queryset) -> tuple[int, bool]:
    """Return (how many, whether there are more): counting stops past CANDIDATES rows."""
    return bounded_counts(queryset)[0]


def bounded_counts(*querysets) -> list[tuple[int, bool]]:
    """Return bounded_count of each queryset, all in one query (one scalar subquery each)."""
    parts, params = [], []
    for index, queryset in enumerate(querysets):
        # No order: the first rows found will do. Only the ids, at most CANDIDATES + 1 of them.
        # A queryset annotated with translation_set (knowledge_matches) counts one per set among them.
        per_set = "translation_set" in queryset.query.annotations
        fields = ("pk", "translation_set") if per_set else ("pk",)
        try:
            sql, part_params = queryset.order_by().values(*fields)[: CANDIDATES + 1].query.sql_with_params()
        except EmptyResultSet:  # .none() (people, to an anonymous visitor) has no SQL: it counts 0
            parts.append(f"(SELECT 0, 0) AS counted_{index}")
            continue
        shown = "COUNT(DISTINCT part.translation_set)" if per_set else "COUNT(*)"
        # Django's own SQL, values as params (S608): how many rows read, and how many it shows, from
        # one reading of the section's matches (each section's rules once in the query, not twice).
        parts.append(f"(SELECT COUNT(*), {shown} FROM ({sql}) AS part) AS counted_{index}")  # noqa: S608
        params.extend(part_params)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM " + " CROSS JOIN ".join(parts), params)  # noqa: S608
        found = cursor.fetchone()
    pairs = zip(found[::2], found[1::2], strict=True)
    return [(min(shown, CANDIDATES), read > CANDIDATES) for read, shown in pairs]


def one_per_translation_set(rows, *, language: str) -> list[int]:
    """Return the ids of rows (pk, translation_of_id, language) keeping one item of each translation set.

    Of a set, the one in language is kept, else the original, else the oldest translation. rows are
    the ranked candidates and the versions in the viewer's language of their sets: a few hundred at
    most, so the choice is made here. Made in SQL, it repeated the permission-scoped candidates in
    six EXISTS (a plan of a quarter of a second on the demo), then in a window over an OR of two id
    subqueries, which PostgreSQL answered by scanning every item (250 ms at a tenth of network scale).
    """
    chosen: dict[int, tuple] = {}
    for pk, translation_of_id, item_language in rows:
        preference = (item_language != language, translation_of_id is not None, pk)
        key = translation_of_id or pk
        if key not in chosen or preference < chosen[key]:
            chosen[key] = preference
    return sorted(preference[2] for preference in chosen.values())


def _knowledge_visible(*, user, community: Community | None = None):
    items = KnowledgeItem.objects.visible_to(user)
    return items.filter(community=community) if community is not None else items


def _knowledge_found(*, user, q: str, community: Community | None = None):
    """Return every item matching q that user may see (all versions of a set), unranked and unbounded."""
    items = _knowledge_visible(user=user, community=community)
    if _is_postgres():
        return items.filter(search_vector=TextQuery(q))
    for term in q.split():
        items = items.filter(Q(title__icontains=term) | Q(summary__icontains=term) | Q(body__icontains=term))
    return items


def knowledge_matches(*, user, q: str, community: Community | None = None):
    """Return the items matching q that user may see, unranked (for a bounded count).

    The count counts translation sets (one per set, as the results show them) among the first
    matches it reads: COUNT(DISTINCT translation_set) over the bounded ids costs what counting
    them did, where comparing versions over a thousand matches cost a common word seconds.
    """
    found = _knowledge_found(user=user, q=q, community=community)
    return found.annotate(translation_set=Coalesce("translation_of_id", "pk"))


def search_knowledge(
    *, user, q: str, community: Community | None = None, limit: int | None = None, language: str | None = None
):
    """Return the items matching q that user may see, best first (relevance, then freshness).

    Only the newest RANKED (or limit) matches are ranked (newest: published, or created for a draft):
    restricted by community and visibility, then taken in the order of knowledge_item_newest_idx.
    For a common word PostgreSQL walks that index and stops at the candidates; for a rare one
    it asks the GIN index for the few items that have it. Of a translation set one item
    shows among the candidates: the one in the viewer's language, else the original.
    """
    language = language or interface_language()
    version = ("pk", "translation_of_id", "language")
    # Two bounded reads of a few hundred ids, then the ranking over those ids only (literal values:
    # nothing of the permission rules left to plan in the ranking query).
    window = list(
        _knowledge_found(user=user, q=q, community=community)
        .order_by(NEWEST.desc(), "-pk")
        .values_list(*version)[: _ranked(limit)]
    )
    # The version in the viewer's language of a set found in the window joins the candidates even
    # when it is outside the window (older, or its words do not match), so that it is the one shown.
    # With no match, an id no item has (NO_ID) keeps each query asked: the page runs as many
    # queries whatever it finds (Django would skip a query on an empty list).
    sets = sorted({translation_of_id or pk for pk, translation_of_id, _language in window}) or [NO_ID]
    preferred = list(
        _knowledge_visible(user=user, community=community)
        .filter(language=language)
        .filter(Q(pk__in=sets) | Q(translation_of_id__in=sets))
        .order_by()
        .values_list(*version)
    )
    candidates = one_per_translation_set([*window, *preferred], language=language) or [NO_ID]
    if _is_postgres():
        from django.contrib.postgres.search import SearchHeadline, SearchRank

        query = TextQuery(q)
        age_days = Extract(Now() - Coalesce(F("published_at"), F("created_at")), "epoch") / Value(86400.0)
        freshness = Value(FRESHNESS_WEIGHT) / (Value(1.0) + age_days / Value(FRESHNESS_DAYS))
        return (
            KnowledgeItem.objects.filter(pk__in=candidates)
            .select_related("community")  # a result shows its community, not its authors or themes
            .annotate(rank=SearchRank(F("search_vector"), query))
            .annotate(score=F("rank") + freshness)
            .annotate(
                headline=SearchHeadline(
                    Concat("summary", Value(" "), "body", output_field=TextField()),
                    query,
                    config=_language_config(),
                    start_sel=START,
                    stop_sel=STOP,
                    max_words=35,
                    min_words=15,
                    max_fragments=2,
                )
            )
            .order_by("-score", "-pk")
        )
    matches = KnowledgeItem.objects.filter(pk__in=candidates).select_related("community")
    return matches.annotate(score=Value(0.0, output_field=FloatField())).order_by("-published_at", "-pk")


def knowledge_snippet(item, q: str) -> str:
    if getattr(item, "headline", None):
        return highlight(item.headline)
    return _plain_snippet(f"{item.summary} {plain_text(item.body)}", q.split())


def _meeting_model():
    try:
        from meetings.models import Meeting
    except ImportError:
        return None
    if not hasattr(Meeting.objects, "visible_to"):
        return None
    return Meeting


def _meeting_text_fields(Meeting) -> list[str]:
    names = {f.name for f in Meeting._meta.get_fields() if getattr(f, "get_internal_type", None)}
    text = [n for n in ("title", "description", "summary") if n in names]
    return [n for n in text if Meeting._meta.get_field(n).get_internal_type() in {"CharField", "TextField"}]


def meeting_matches(*, user, q: str, community: Community | None = None):
    """Return the meetings matching q that user may see, unranked (None when there are no meetings to search)."""
    Meeting = _meeting_model()
    if Meeting is None:
        return None
    fields = _meeting_text_fields(Meeting)
    if not fields:
        return None
    meetings = Meeting.objects.visible_to(user)
    if community is not None:
        meetings = meetings.filter(community=community)
    if _is_postgres():
        from django.contrib.postgres.search import SearchQuery

        # The stored vector (Meeting.search_vector, GIN-indexed) is the title and description, "simple".
        return meetings.filter(search_vector=SearchQuery(q, config="simple", search_type="websearch"))
    condition = Q()
    for term in q.split():
        term_q = Q()
        for name in fields:
            term_q |= Q(**{f"{name}__icontains": term})
        condition &= term_q
    return meetings.filter(condition)


def search_meetings(*, user, q: str, community: Community | None = None):
    """Return the meetings matching q that user may see, best first; only the newest RANKED are ranked."""
    matches = meeting_matches(user=user, q=q, community=community)
    if matches is None:
        return None
    candidates = matches.order_by("-pk").values("pk")[: _ranked(None)]
    if _is_postgres():
        from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank

        Meeting = matches.model
        fields = _meeting_text_fields(Meeting)
        query = SearchQuery(q, config="simple", search_type="websearch")
        detail = fields[1] if len(fields) > 1 else fields[0]
        return (
            Meeting.objects.filter(pk__in=candidates)
            .select_related("community")
            .annotate(rank=SearchRank(F("search_vector"), query))
            .annotate(
                headline=SearchHeadline(
                    detail, query, config="simple", start_sel=START, stop_sel=STOP, max_words=30, min_words=10
                )
            )
            .order_by("-rank", "-pk")
        )
    return matches.model.objects.filter(pk__in=candidates).select_related("community").order_by("-pk")


def meeting_snippet(meeting, q: str) -> str:
    if getattr(meeting, "headline", None):
        return highlight(meeting.headline)
    text = getattr(meeting, "description", "") or getattr(meeting, "summary", "") or ""
    return _plain_snippet(text, q.split()) if text else ""


def discussion_matches(*, user, q: str, community: Community | None = None):
    """Return the threads user may read whose title or a shown post matches q, unranked (for a bounded count).

    On PostgreSQL both are found through stored vectors (Thread.search_vector, Post.search_vector,
    GIN-indexed, in the row's language): the posts that match are looked up once by the index,
    not a vector built for every post of every visible thread.
    """
    threads = Thread.objects.visible_to(user)
    if community is not None:
        threads = threads.filter(community=community)
    if _is_postgres():
        query = TextQuery(q)
        posts = Post.objects.shown().filter(search_vector=query)
        if community is not None:
            posts = posts.filter(community=community)
        # One list of ids from both GIN indexes (an OR of the two would scan every visible thread).
        titled = Thread.objects.filter(search_vector=query)
        if community is not None:
            titled = titled.filter(community=community)
        return threads.filter(pk__in=titled.values("pk").union(posts.values("thread_id")))
    condition = Q()
    shown = Post.objects.shown().filter(thread=OuterRef("pk"))
    for term in q.split():
        condition &= Q(title__icontains=term) | Exists(shown.filter(body__icontains=term))
    return threads.filter(condition)


def search_discussions(*, user, q: str, community: Community | None = None):
    """Return the threads user may read whose title or a shown post matches q, best first.

    Only the RANKED matching threads with the latest posts are ranked. Each thread carries
    `headline` (PostgreSQL) or `matched_body` (SQLite): its best matching post.
    """
    candidates = (
        discussion_matches(user=user, q=q, community=community)
        .order_by("-last_post_at", "-pk")
        .values("pk")[: _ranked(None)]
    )
    threads = Thread.objects.filter(pk__in=candidates).select_related("community", "group")
    posts = Post.objects.shown().filter(thread=OuterRef("pk"))
    if _is_postgres():
        from django.contrib.postgres.search import SearchRank

        query = TextQuery(q)
        # Inside a subquery Django does not re-alias a SearchConfig's expression, so the post's
        # language configuration goes through a plain Func call (ts_headline).
        config = Func(_language_config(), template="(%(expressions)s)::regconfig", output_field=TextField())
        best = (
            posts.filter(search_vector=query)
            .annotate(rank=SearchRank(F("search_vector"), query))
            .order_by("-rank", "created_at", "pk")
        )
        headline = Func(
            config,
            F("body"),
            query,
            Value(f"StartSel={START}, StopSel={STOP}, MaxWords=35, MinWords=15, MaxFragments=2"),
            function="ts_headline",
            output_field=TextField(),
        )
        return (
            threads.annotate(
                post_rank=Subquery(best.values("rank")[:1], output_field=FloatField()),
                headline=Subquery(best.annotate(snippet=headline).values("snippet")[:1], output_field=TextField()),
            )
            .annotate(score=SearchRank(F("search_vector"), query) * Value(2.0) + Coalesce(F("post_rank"), Value(0.0)))
            .order_by("-score", "-last_post_at", "-pk")
        )
    any_term = Q()
    for term in q.split():
        any_term |= Q(body__icontains=term)
    return threads.annotate(
        matched_body=Subquery(posts.filter(any_term).order_by("created_at", "pk").values("body")[:1])
    ).order_by("-last_post_at", "-pk")


def discussion_snippet(thread, q: str) -> str:
    if getattr(thread, "headline", None):
        return highlight(thread.headline)
    body = getattr(thread, "matched_body", None)
    return _plain_snippet(plain_text(body), q.split()) if body else ""


def search_people_for(*, user, q: str):
    """Return listed active members who share a community with user and match q on what they show."""
    return search_people(people_sharing_communities_with(viewer=user), text=q)


def search_view(request):
    q = " ".join(request.GET.get("q", "").split())[:MAX_QUERY]
    section = request.GET.get("type", "")
    community = None
    slug = request.GET.get("community", "")
    if slug:
        community = Community.objects.content_visible_to(request.user).filter(slug=slug).first()
    context = {"q": q, "section": section, "community": community, "searched": bool(q), "people": None}
    if q:
        # A section's own paged list ranks as many as are counted; the overview ranks RANKED.
        limit = CANDIDATES if section == "knowledge" else None
        items = search_knowledge(user=request.user, q=q, community=community, limit=limit)
        meetings = search_meetings(user=request.user, q=q, community=community)
        people = search_people_for(user=request.user, q=q) if community is None else None
        if section == "knowledge":
            page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
            context["page"] = page
            params = {"q": q, "type": "knowledge", **({"community": community.slug} if community else {})}
            context["query"] = urlencode(params)
            shown_items = page.object_list
        else:
            shown_items = items[:SECTION_SIZE]
        context["items"] = [(item, knowledge_snippet(item, q)) for item in shown_items]
        # Every section's count in one query: knowledge, then meetings and people where searched, then threads.
        counted = [knowledge_matches(user=request.user, q=q, community=community)]
        if meetings is not None:
            # Titles in the reader's language where translated: one query for the section's translations.
            found = prefetch_translations(meetings[:SECTION_SIZE])
            context["meetings"] = [(m, meeting_snippet(m, q)) for m in found]
            counted.append(meeting_matches(user=request.user, q=q, community=community))
        if people is not None:
            context["people"] = [expertise_card(p, viewer=request.user) for p in people[:SECTION_SIZE]]
            counted.append(people)
        context["meetings_available"] = meetings is not None
        threads = search_discussions(user=request.user, q=q, community=community)
        context["threads"] = [(thread, discussion_snippet(thread, q)) for thread in threads[:SECTION_SIZE]]
        counted.append(discussion_matches(user=request.user, q=q, community=community))
        counts = bounded_counts(*counted)
        context["item_count"], context["item_count_more"] = counts.pop(0)
        if meetings is not None:
            context["meeting_count"], context["meeting_count_more"] = counts.pop(0)
        if people is not None:
            context["people_count"], context["people_count_more"] = counts.pop(0)
        context["thread_count"], context["thread_count_more"] = counts.pop(0)
    return render(request, "search/results.html", context)
