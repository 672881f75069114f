"""Reads about knowledge: who may do what, and what a page shows."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q

from communities import permissions
from communities.models import Community, Membership

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
    if not user.is_authenticated:
        return False
    return Membership.objects.active().community_level().filter(user=user, community=community).exists()


def community_role(*, user, community: Community) -> str | None:
    if not user.is_authenticated:
        return None
    return (
        Membership.objects.active()
        .community_level()
        .filter(user=user, community=community)
        .values_list("role", flat=True)
        .first()
    )


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


def can_accept_answer(*, user, item: KnowledgeItem) -> bool:
    """Return whether user may mark the accepted answer: the asker, a facilitator or a coordinator."""
    if not user.is_authenticated:
        return False
    if item.created_by_id == user.pk:
        return True
    role = community_role(user=user, community=item.community)
    if role in {Membership.Role.COORDINATOR, Membership.Role.FACILITATOR}:
        return True
    if item.group_id and permissions.can_manage(user, item.group):
        return True
    return is_coordinator(user=user, community=item.community)


def can_read_reviews(*, user, review_round: ReviewRound) -> bool:
    return ReviewRound.objects.with_reviews_visible_to(user).filter(pk=review_round.pk).exists()


def items_for_list(*, user, community: Community):
    return KnowledgeItem.objects.visible_to(user).filter(community=community).for_list()


# The list's filters suggest the most used authors, organisations and themes of the latest items
# the viewer may see: a bounded sample, so a community with a million items and twenty thousand
# authors costs the same as a small one (anything else can be typed).
FACET_SAMPLE = 1000
FACET_OPTIONS = 30


def list_facets(*, user, community: Community) -> dict:
    """Return the suggested authors, organisations and themes of the knowledge list, by name (bounded)."""
    from django.contrib.contenttypes.models import ContentType
    from taggit.models import Tag

    from members.models import Organization, User

    recent = (
        KnowledgeItem.objects.visible_to(user)
        .filter(community=community)
        .order_by("-published_at", "-created_at", "-pk")
        .values("pk")[:FACET_SAMPLE]
    )
    authors = (
        User.objects.filter(authorships__item__in=recent)
        .annotate(uses=Count("authorships"))
        .order_by("-uses", "full_name", "pk")[:FACET_OPTIONS]
    )
    organizations = (
        Organization.objects.filter(knowledge_items__in=recent)
        .annotate(uses=Count("knowledge_items"))
        .order_by("-uses", "name", "pk")[:FACET_OPTIONS]
    )
    themes = (
        Tag.objects.filter(
            taggit_taggeditem_items__content_type=ContentType.objects.get_for_model(KnowledgeItem),
            taggit_taggeditem_items__object_id__in=recent,
        )
        .annotate(uses=Count("taggit_taggeditem_items"))
        .order_by("-uses", "name", "pk")[:FACET_OPTIONS]
    )
    return {
        "authors": sorted(authors, key=lambda u: u.get_full_name().casefold()),
        "organizations": sorted(organizations, key=lambda o: o.name.casefold()),
        "themes": sorted(themes, key=lambda t: t.name.casefold()),
    }


def item_for_page(*, user, community: Community, knowledge_pk: int) -> KnowledgeItem | None:
    """Return the item with everything its page shows, or None when user may not see it."""
    authors = ItemAuthor.objects.select_related("user", "user__organization").order_by("order", "pk")
    comments = Comment.objects.select_related("author", "author__organization").order_by("created_at", "pk")
    answers = Answer.objects.select_related("author", "accepted_by")
    files = ItemFile.objects.order_by("created_at", "pk")
    rounds = ReviewRound.objects.annotate(
        review_count=Count("reviews", distinct=True), reviewer_count=Count("reviewers", distinct=True)
    ).order_by("-created_at")
    entries = CollectionEntry.objects.select_related("collection").filter(
        collection__in=Collection.objects.visible_to(user)
    )
    return (
        KnowledgeItem.objects.visible_to(user)
        .filter(community=community, pk=knowledge_pk)
        .select_related("community", "group", "created_by")
        .prefetch_related(
            Prefetch("authorships", queryset=authors),
            Prefetch("comments", queryset=comments),
            Prefetch("answers", queryset=answers),
            Prefetch("files", queryset=files),
            Prefetch("review_rounds", queryset=rounds),
            Prefetch("collection_entries", queryset=entries),
            "themes",
            "organizations",
        )
        .annotate(revision_count=Count("revisions", distinct=True))
        .first()
    )


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
        KnowledgeItem.objects.visible_to(request.user)
        .filter(community=community, status=KnowledgeItem.Status.PUBLISHED)
        .for_list()
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
        KnowledgeItem.objects.visible_to(request.user)
        .filter(community=community, group=group, status=KnowledgeItem.Status.PUBLISHED)
        .for_list()
        .order_by("-published_at", "-pk")[:HOME_ITEMS]
    )
    return {
        "group_knowledge_template": "knowledge/partials/_group_latest.html",
        "group_knowledge_items": items,
        "group_knowledge_can_share": not group.is_archived and is_active_member(user=request.user, community=community),
    }
