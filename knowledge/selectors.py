"""Reads about knowledge: who may do what, and what a page shows."""

from __future__ import annotations

from django.db.models import (
    BooleanField,
    CharField,
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    prefetch_related_objects,
)

from communities import permissions
from communities.models import Community, Membership

from . import list_cache
from .models import (
    Answer,
    Collection,
    CollectionEntry,
    Comment,
    Follow,
    ItemAuthor,
    ItemFile,
    KnowledgeItem,
    Review,
    ReviewRound,
)


def is_active_member(*, user, community: Community) -> bool:
    """Return whether user is an active member of community (not counting portal administrators)."""
    return permissions.active_role(user, community) is not None


def community_role(*, user, community: Community) -> str | None:
    return permissions.active_role(user, community)


def is_coordinator(*, user, community: Community) -> bool:
    """Return whether user manages community (guardian object permission, kept in sync with roles)."""
    return permissions.can_manage(user, community)


def can_curate(*, user, community: Community) -> bool:
    """Return whether user may create collections: the community's coordinators and facilitators."""
    role = community_role(user=user, community=community)
    return role in {Membership.Role.COORDINATOR, Membership.Role.FACILITATOR} or is_coordinator(
        user=user, community=community
    )


def can_edit_item(*, user, item: KnowledgeItem) -> bool:
    return KnowledgeItem.objects.editable_by(user, pk=item.pk).exists()


def can_see_item(*, user, item: KnowledgeItem) -> bool:
    return KnowledgeItem.objects.visible_to(user).filter(pk=item.pk).exists()


def is_item_author(*, user, item: KnowledgeItem) -> bool:
    if not user.is_authenticated:
        return False
    return item.created_by_id == user.pk or ItemAuthor.objects.filter(item=item, user=user).exists()


_UNKNOWN = object()


def can_accept_answer(*, user, item: KnowledgeItem, role=_UNKNOWN) -> bool:
    """Return whether user may mark the accepted answer: the asker, a facilitator or a coordinator.

    role is user's community role when the caller has read it already (item_for_page).
    """
    if not user.is_authenticated:
        return False
    if item.created_by_id == user.pk:
        return True
    if role is _UNKNOWN:
        role = community_role(user=user, community=item.community)
    if role in {Membership.Role.COORDINATOR, Membership.Role.FACILITATOR}:
        return True
    if item.group_id and permissions.can_manage(user, item.group):
        return True
    return is_coordinator(user=user, community=item.community)


def can_read_reviews(*, user, review_round: ReviewRound) -> bool:
    return ReviewRound.objects.with_reviews_visible_to(user).filter(pk=review_round.pk).exists()


def items_for_list(*, user, community: Community):
    return KnowledgeItem.objects.visible_in(user, community).for_list()


# The list's filters suggest the most used authors, organisations and themes of the latest items
# the viewer may see: a bounded sample, so a community with a million items and twenty thousand
# authors costs the same as a small one (anything else can be typed).
FACET_SAMPLE = 1000
FACET_OPTIONS = 30


def list_facets(*, user, community: Community) -> dict:
    """Return the suggested authors, organisations and themes of the knowledge list, by name (bounded).

    One query: the sample of recent items the viewer may see is read once (a materialised
    CTE, the same queryset as before) and the three rankings are glued with UNION ALL, where
    three queries each recomputed the sample (measured: the sample is most of their cost).
    """
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from taggit.models import Tag, TaggedItem

    from members.models import Organization, User

    recent = (
        KnowledgeItem.objects.visible_in(user, community)
        # The latest published: drafts come first in the list's index (published_at DESC puts NULL
        # first), and skipping every draft of the community one by one was most of the sample's
        # cost (18,700 index entries for REBUILD at network scale); the condition lets the scan
        # start after them. A person's own drafts do not make the suggestions.
        .filter(published_at__isnull=False)
        .order_by("-published_at", "-created_at", "-pk")
        .values("pk", "published_at")[:FACET_SAMPLE]
    )
    recent_sql, recent_params = recent.query.sql_with_params()
    q = connection.ops.quote_name
    author, user_table = ItemAuthor._meta.db_table, User._meta.db_table
    org_link, org_table = KnowledgeItem.organizations.through._meta.db_table, Organization._meta.db_table
    tagged, tag_table = TaggedItem._meta.db_table, Tag._meta.db_table
    # Each ranking counts the links by id alone (most used first, then the most recently used, then
    # the id) and only its first FACET_OPTIONS are joined to their names. Ranked by name among equal
    # counts, every link of the sample had to be joined to its person first: 1,300 people read for
    # thirty at network scale, most of the query's 19 ms (issue 15).
    # Only table and column names of the models go into the text; every value is a parameter.
    sql = f"""
        WITH recent (sample_id, published) AS MATERIALIZED ({recent_sql})
        SELECT 'author' AS kind, u.{q("full_name")} AS name, u.{q("email")} AS alt FROM (
            SELECT a.{q("user_id")} AS id, COUNT(*) AS uses, MAX(r.published) AS latest
            FROM {q(author)} a JOIN recent r ON r.sample_id = a.{q("item_id")}
            WHERE a.{q("user_id")} IS NOT NULL
            GROUP BY 1 ORDER BY 2 DESC, 3 DESC, 1 LIMIT %s
        ) ranked JOIN {q(user_table)} u ON u.{q("id")} = ranked.id
        UNION ALL
        SELECT 'organization', o.{q("name")}, '' FROM (
            SELECT l.{q("organization_id")} AS id, COUNT(*) AS uses, MAX(r.published) AS latest
            FROM {q(org_link)} l JOIN recent r ON r.sample_id = l.{q("knowledgeitem_id")}
            GROUP BY 1 ORDER BY 2 DESC, 3 DESC, 1 LIMIT %s
        ) ranked JOIN {q(org_table)} o ON o.{q("id")} = ranked.id
        UNION ALL
        SELECT 'theme', t.{q("name")}, '' FROM (
            SELECT i.{q("tag_id")} AS id, COUNT(*) AS uses, MAX(r.published) AS latest
            FROM {q(tagged)} i JOIN recent r ON r.sample_id = i.{q("object_id")}
            WHERE i.{q("content_type_id")} = %s
            GROUP BY 1 ORDER BY 2 DESC, 3 DESC, 1 LIMIT %s
        ) ranked JOIN {q(tag_table)} t ON t.{q("id")} = ranked.id
    """  # noqa: S608
    content_type = ContentType.objects.get_for_model(KnowledgeItem).pk
    params = (*recent_params, FACET_OPTIONS, FACET_OPTIONS, content_type, FACET_OPTIONS)

    def ranked():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    found: dict[str, list[str]] = {"author": [], "organization": [], "theme": []}
    for kind, name, alt in list_cache.remembered(community.pk, "facets", sql, params, ranked):
        found[kind].append(name or alt)  # an author without a name shows their address (get_full_name)
    return {
        "authors": sorted(found["author"], key=str.casefold),
        "organizations": sorted(found["organization"], key=str.casefold),
        "themes": sorted(found["theme"], key=str.casefold),
    }


def item_for_page(*, user, community: Community, knowledge_pk: int) -> KnowledgeItem | None:
    """Return the item with everything its page shows, or None when user may not see it.

    The viewer's answers about the item (member of its community, may edit, is an author,
    follows it, role, may see its meeting) come with the item's own row, as EXISTS columns
    built from the same querysets the single-question selectors above use, so the page asks
    each in the one query instead of one query apiece. `viewer_*` attributes carry them.
    """
    from meetings.models import Meeting

    authors = ItemAuthor.objects.select_related("user", "user__organization").order_by("order", "pk")
    comments = Comment.objects.select_related("author", "author__organization").order_by("created_at", "pk")
    files = ItemFile.objects.order_by("created_at", "pk")
    rounds = ReviewRound.objects.annotate(
        review_count=Count("reviews", distinct=True), reviewer_count=Count("reviewers", distinct=True)
    ).order_by("-created_at")
    entries = CollectionEntry.objects.select_related("collection").filter(
        collection__in=Collection.objects.visible_to(user)
    )
    viewer = _viewer_columns(user, knowledge_pk)
    viewer["viewer_sees_meeting"] = Exists(Meeting.objects.visible_to(user).filter(pk=OuterRef("meeting_id")))
    # Most items have no files, review rounds or collections: whether they have any comes with the
    # item's row, and only the lists that have rows are read.
    optional = {
        "files": (ItemFile, Prefetch("files", queryset=files)),
        "review_rounds": (ReviewRound, Prefetch("review_rounds", queryset=rounds)),
        "collection_entries": (CollectionEntry, Prefetch("collection_entries", queryset=entries)),
    }
    present = {
        f"has_{name}": Exists(model.objects.filter(item=OuterRef("pk"))) for name, (model, _) in optional.items()
    }
    # Whether the item is the original of translations: only an item in a set reads its versions.
    present["has_translations"] = Exists(KnowledgeItem.objects.filter(translation_of=OuterRef("pk")))
    item = (
        KnowledgeItem.objects.visible_to(user)
        .filter(community=community, pk=knowledge_pk)
        .select_related("community", "group", "created_by", "meeting__community")
        .prefetch_related(
            Prefetch("authorships", queryset=authors),
            Prefetch("comments", queryset=comments),
            "themes",
            "organizations",
        )
        .annotate(revision_count=Count("revisions", distinct=True), **viewer, **present)
        .first()
    )
    if item is None:
        return None
    if item.group_id:
        item.group.community = item.community  # its link needs the community's slug: no query for it
    lookups = [prefetch for name, (_, prefetch) in optional.items() if getattr(item, f"has_{name}")]
    if item.is_question:
        lookups.append(Prefetch("answers", queryset=Answer.objects.select_related("author", "accepted_by")))
    for name, (model, _) in optional.items():
        if not getattr(item, f"has_{name}"):
            item._prefetched_objects_cache = getattr(item, "_prefetched_objects_cache", {})
            item._prefetched_objects_cache[name] = model.objects.none()
    if lookups:
        prefetch_related_objects([item], *lookups)
    return item


def item_translations(*, user, item: KnowledgeItem) -> list[KnowledgeItem]:
    """Return the other versions of item (its original and translations) that user may see, by language.

    An item by itself (most items) costs no query: item_for_page tells whether it has translations.
    A version user may not see is left out, so nobody learns of it.
    """
    if not item.translation_of_id and not getattr(item, "has_translations", True):
        return []
    root = item.translation_root_id
    versions = list(
        KnowledgeItem.objects.visible_to(user)
        .filter(Q(pk=root) | Q(translation_of_id=root), community_id=item.community_id)
        .exclude(pk=item.pk)
        .only("pk", "title", "language", "status", "community_id", "translation_of_id")
        .order_by("language", "pk")
    )
    for version in versions:
        version.community = item.community  # its link needs the community's slug: no query for it
    return versions


def _viewer_columns(user, knowledge_pk: int) -> dict:
    """Return the item page's per-viewer answers as columns (the same rules as is_active_member & co)."""
    if not user.is_authenticated:
        false = Value(False, output_field=BooleanField())
        return {
            "viewer_is_member": false,
            "viewer_can_edit": false,
            "viewer_is_co_author": false,
            "viewer_follows": false,
            "viewer_role": Value(None, output_field=CharField()),
        }
    memberships = Membership.objects.active().community_level().filter(user=user, community=OuterRef("community"))
    return {
        "viewer_is_member": Exists(memberships),
        "viewer_can_edit": Exists(KnowledgeItem.objects.editable_by(user, pk=knowledge_pk).filter(pk=OuterRef("pk"))),
        "viewer_is_co_author": Exists(ItemAuthor.objects.filter(item=OuterRef("pk"), user=user)),
        "viewer_follows": Exists(
            Follow.objects.filter(user=user, item=OuterRef("pk"), group__isnull=True, theme__isnull=True)
        ),
        "viewer_role": Subquery(memberships.values("role")[:1]),
    }


def item_page_answers(*, user, item: KnowledgeItem) -> dict:
    """Return the viewer's answers about an item fetched by item_for_page (no query, but for a question's)."""
    is_author = user.is_authenticated and (item.created_by_id == user.pk or item.viewer_is_co_author)
    return {
        "is_member": item.viewer_is_member,
        "can_edit": item.viewer_can_edit,
        "is_author": bool(is_author),
        "following": item.viewer_follows,
        "can_accept": item.is_question and can_accept_answer(user=user, item=item, role=item.viewer_role),
        "meeting": item.meeting if item.meeting_id and item.viewer_sees_meeting else None,
    }


def is_following(*, user, item=None, group=None, theme=None) -> bool:
    if not user.is_authenticated:
        return False
    return Follow.objects.filter(user=user, item=item, group=group, theme=theme).exists()


def reviews_for(*, user, review_round: ReviewRound):
    return Review.objects.visible_to(user).filter(round=review_round).select_related("reviewer").order_by("created_at")


def follows_of(*, user):
    """Return what user follows (the digest of the notifications issue reads this)."""
    return Follow.objects.filter(user=user).select_related("item", "group", "theme")


def open_rounds_for_reviewer(*, user):
    """Return the open rounds user reviews and has not answered yet, in the communities they are still in."""
    return ReviewRound.objects.filter(
        state=ReviewRound.State.OPEN, reviewers=user, item__community__in=permissions.active_community_ids(user)
    ).exclude(Q(reviews__reviewer=user))


HOME_ITEMS = 5


def community_home_knowledge(*, request, community) -> dict:
    """Return the community home's "Latest knowledge": the newest items the viewer may see (fixed queries)."""
    items = list(
        KnowledgeItem.objects.visible_in(request.user, community)
        .filter(status=KnowledgeItem.Status.PUBLISHED)
        # Publishing always sets the date; said here, the index skips the drafts, which come first in
        # this order (no date): 18,000 rows read from the table at network scale, 714 -> 1 ms (issue 15).
        .filter(published_at__isnull=False)
        .for_latest()
        .order_by("-published_at", "-pk")[:HOME_ITEMS]
    )
    return {
        "home_knowledge_template": "knowledge/partials/_home_latest.html",
        "home_knowledge_items": items,
        "home_knowledge_can_share": is_active_member(user=request.user, community=community),
    }


def group_page_knowledge(*, request, community, group) -> dict:
    """Return a group's page's "Knowledge": its newest items the viewer may see (fixed queries, limited)."""
    items = list(
        KnowledgeItem.objects.visible_in(request.user, community)
        .filter(group=group, status=KnowledgeItem.Status.PUBLISHED)
        # Publishing always sets the date; said here, the index skips the drafts, which come first in
        # this order (no date): 18,000 rows read from the table at network scale, 714 -> 1 ms (issue 15).
        .filter(published_at__isnull=False)
        .for_latest()
        .order_by("-published_at", "-pk")[:HOME_ITEMS]
    )
    return {
        "group_knowledge_template": "knowledge/partials/_group_latest.html",
        "group_knowledge_items": items,
        "group_knowledge_can_share": not group.is_archived and is_active_member(user=request.user, community=community),
    }
