"""Search at /search/ across knowledge, meetings, discussions and people, showing only what the viewer may see.

On PostgreSQL knowledge is found through each item's stored search vector (stemmed in
the item's language, GIN-indexed), ranked by relevance and freshness, with highlighted
snippets; meetings through their stored vector (a generated column, GIN-indexed). SQLite
(make run) falls back to icontains. Every result set starts from a scoped queryset, so
neither a result nor a count reveals anything hidden.

At network scale a common word matches hundreds of thousands of items: only the newest
CANDIDATES matches the viewer may see (an order an index gives) are ranked, and counts stop
past CANDIDATES ("more than 1,000 results"), so a search costs the same whatever the word.

Discussions are found by thread title and by the text of shown posts (never hidden or deleted
ones), one result per thread with a snippet of its best matching post; on PostgreSQL with the
knowledge search's queries and language configurations (vectors built on the fly).
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Case, Exists, F, FloatField, Func, OuterRef, Q, Subquery, TextField, Value, When
from django.db.models.functions import Coalesce, Concat, Extract, Now
from django.shortcuts import render
from django.utils.html import escape
from django.utils.safestring import mark_safe

from communities.models import Community
from communities.selectors_people import expertise_card, people_sharing_communities_with, search_people
from discussions.models import Post, Thread
from knowledge.markup import plain_text
from knowledge.models import KnowledgeItem

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


def _text_query(q: str):
    from django.contrib.postgres.search import SearchQuery

    query = None
    for config in ("english", "italian", "simple"):
        part = SearchQuery(q, config=config, search_type="websearch")
        query = part if query is None else query | part
    return query


def bounded_count(queryset) -> tuple[int, bool]:
    """Return (how many, whether there are more): counting stops past CANDIDATES rows."""
    found = queryset.order_by()[: CANDIDATES + 1].count()  # no order: the first rows found will do
    return min(found, CANDIDATES), found > CANDIDATES


def knowledge_matches(*, user, q: str, community: Community | None = None):
    """Return the items matching q that user may see, unranked (for a bounded count)."""
    items = KnowledgeItem.objects.visible_to(user)
    if community is not None:
        items = items.filter(community=community)
    if _is_postgres():
        return items.filter(search_vector=_text_query(q))
    for term in q.split():
        items = items.filter(Q(title__icontains=term) | Q(summary__icontains=term) | Q(body__icontains=term))
    return items


def search_knowledge(*, user, q: str, community: Community | None = None):
    """Return the items matching q that user may see, best first (relevance, then freshness).

    Only the newest CANDIDATES matches are ranked: restricted by community and visibility, then
    taken in the order of the (community, published) index, so a common word ranks a thousand
    items rather than every item that has it.
    """
    candidates = (
        knowledge_matches(user=user, q=q, community=community)
        .order_by("-published_at", "-pk")
        .values("pk")[:CANDIDATES]
    )
    if _is_postgres():
        from django.contrib.postgres.search import SearchHeadline, SearchRank

        query = _text_query(q)
        age_days = Extract(Now() - Coalesce(F("published_at"), F("created_at")), "epoch") / Value(86400.0)
        freshness = Value(FRESHNESS_WEIGHT) / (Value(1.0) + age_days / Value(FRESHNESS_DAYS))
        return (
            KnowledgeItem.objects.filter(pk__in=candidates)
            .for_list()
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
    matches = KnowledgeItem.objects.filter(pk__in=candidates).for_list()
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
    """Return the meetings matching q that user may see, best first; only the newest CANDIDATES are ranked."""
    matches = meeting_matches(user=user, q=q, community=community)
    if matches is None:
        return None
    candidates = matches.order_by("-pk").values("pk")[:CANDIDATES]
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


def search_discussions(*, user, q: str, community: Community | None = None):
    """Return the threads user may read whose title or a shown post matches q, best first.

    Each thread carries `headline` (PostgreSQL) or `matched_body` (SQLite): its best matching post.
    """
    threads = Thread.objects.visible_to(user)
    if community is not None:
        threads = threads.filter(community=community)
    threads = threads.select_related("community", "group")
    posts = Post.objects.shown().filter(thread=OuterRef("pk"))
    if _is_postgres():
        from django.contrib.postgres.search import SearchRank, SearchVector, SearchVectorField

        query = _text_query(q)
        # Inside a subquery Django does not re-alias a SearchConfig's expression, so the post's
        # language configuration goes through plain Func calls (to_tsvector, ts_headline).
        config = Func(_language_config(), template="(%(expressions)s)::regconfig", output_field=TextField())
        body_vector = Func(config, F("body"), function="to_tsvector", output_field=SearchVectorField())
        title_vector = SearchVector("title", config=_language_config())
        matching = posts.annotate(document=body_vector).filter(document=query)
        best = matching.annotate(rank=SearchRank(F("document"), query)).order_by("-rank", "created_at", "pk")
        headline = Func(
            config,
            F("body"),
            query,
            Value(f"StartSel={START}, StopSel={STOP}, MaxWords=35, MinWords=15, MaxFragments=2"),
            function="ts_headline",
            output_field=TextField(),
        )
        return (
            threads.alias(title_document=title_vector)
            .filter(Q(title_document=query) | Exists(matching))
            .annotate(
                post_rank=Subquery(best.values("rank")[:1], output_field=FloatField()),
                headline=Subquery(best.annotate(snippet=headline).values("snippet")[:1], output_field=TextField()),
            )
            .annotate(score=SearchRank(title_vector, query) * Value(2.0) + Coalesce(F("post_rank"), Value(0.0)))
            .order_by("-score", "-last_post_at", "-pk")
        )
    terms = q.split()
    condition = Q()
    any_term = Q()
    for term in terms:
        condition &= Q(title__icontains=term) | Exists(posts.filter(body__icontains=term))
        any_term |= Q(body__icontains=term)
    return (
        threads.filter(condition)
        .annotate(matched_body=Subquery(posts.filter(any_term).order_by("created_at", "pk").values("body")[:1]))
        .order_by("-last_post_at", "-pk")
    )


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
        items = search_knowledge(user=request.user, q=q, community=community)
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
        matches = knowledge_matches(user=request.user, q=q, community=community)
        context["item_count"], context["item_count_more"] = bounded_count(matches)
        if meetings is not None:
            context["meetings"] = [(m, meeting_snippet(m, q)) for m in meetings[:SECTION_SIZE]]
            matches = meeting_matches(user=request.user, q=q, community=community)
            context["meeting_count"], context["meeting_count_more"] = bounded_count(matches)
        context["meetings_available"] = meetings is not None
        threads = search_discussions(user=request.user, q=q, community=community)
        context["threads"] = [(thread, discussion_snippet(thread, q)) for thread in threads[:SECTION_SIZE]]
        # Counted without the rank and snippet of each thread's best post (only the shown ones need them).
        matched = threads.order_by().values("pk")
        context["thread_count"], context["thread_count_more"] = bounded_count(matched)
        if people is not None:
            context["people"] = [expertise_card(p, viewer=request.user) for p in people[:SECTION_SIZE]]
            context["people_count"] = people.count()
    return render(request, "search/results.html", context)
