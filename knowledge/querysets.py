"""Scoped querysets: the only way views reach knowledge.

Rules of visibility (a hidden item and a missing one look the same: 404):
- published public items of communities whose content the viewer may see;
- published community items to active members of the community;
- published group items to active members of that group, and to the community's coordinators;
- drafts only to their authors and coordinators (and to the reviewers of a review round on them);
- authors always see their own items; staff superusers see everything.
Coordinators are the holders of the guardian object permission communities.manage_community.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q


def managed_community_ids(user):
    """Return a subquery of the communities user manages, by their guardian object permission."""
    from guardian.shortcuts import get_objects_for_user

    from communities.models import Community

    if not user.is_authenticated:
        return Community.objects.none().values("pk")
    return get_objects_for_user(
        user,
        "communities.manage_community",
        klass=Community,
        use_groups=False,
        with_superuser=False,
        accept_global_perms=False,
    ).values("pk")


def granted_item_ids(user):
    """Return a subquery of the items user was granted edit rights on, one grant per item (co-authors)."""
    from guardian.shortcuts import get_objects_for_user

    from .models import KnowledgeItem

    if not user.is_authenticated:
        return KnowledgeItem.objects.none().values("pk")
    return get_objects_for_user(
        user,
        "knowledge.change_knowledgeitem",
        klass=KnowledgeItem,
        use_groups=False,
        with_superuser=False,
        accept_global_perms=False,
    ).values("pk")


def _active_community_ids(user):
    from communities.models import Membership

    return Membership.objects.active().community_level().filter(user=user).values("community_id")


def _active_group_ids(user):
    from communities.models import Membership

    return Membership.objects.active().group_level().filter(user=user).values("group_id")


def _authored_item_ids(user):
    from .models import ItemAuthor

    return ItemAuthor.objects.filter(user=user).values("item_id")


def _reviewed_item_ids(user):
    from .models import ReviewRound

    return ReviewRound.objects.filter(reviewers=user).exclude(state=ReviewRound.State.CANCELLED).values("item_id")


class KnowledgeItemQuerySet(models.QuerySet):
    def published(self) -> KnowledgeItemQuerySet:
        return self.filter(status=self.model.Status.PUBLISHED)

    def visible_to(self, user) -> KnowledgeItemQuerySet:
        """Return the items user may see."""
        from communities.models import Community

        Visibility = self.model.Visibility
        published = Q(status=self.model.Status.PUBLISHED)
        public = published & Q(
            visibility=Visibility.PUBLIC, community__in=Community.objects.content_visible_to(user).values("pk")
        )
        if not user.is_authenticated:
            return self.filter(public)
        if user.is_superuser:
            return self.all()
        managed = managed_community_ids(user)
        community = published & Q(visibility=Visibility.COMMUNITY, community__in=_active_community_ids(user))
        group = (
            published
            & Q(visibility=Visibility.GROUP)
            & (
                Q(group__in=_active_group_ids(user), community__in=_active_community_ids(user))
                | Q(community__in=managed)
            )
        )
        own = Q(created_by=user) | Q(pk__in=_authored_item_ids(user))
        drafts_for_coordinators = Q(community__in=managed)
        reviewing = Q(pk__in=_reviewed_item_ids(user))
        return self.filter(public | community | group | own | drafts_for_coordinators | reviewing)

    def editable_by(self, user) -> KnowledgeItemQuerySet:
        """Return the items user may edit: their own, those they were granted as co-author, and coordinators'."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(
            Q(created_by=user) | Q(pk__in=granted_item_ids(user)) | Q(community__in=managed_community_ids(user))
        )

    def for_list(self) -> KnowledgeItemQuerySet:
        """Fetch what an item card shows in a fixed number of queries."""
        from .models import ItemAuthor

        authors = ItemAuthor.objects.select_related("user", "user__organization").order_by("order", "pk")
        return self.select_related("community", "group").prefetch_related(
            models.Prefetch("authorships", queryset=authors), "themes", "organizations"
        )


class ItemFileQuerySet(models.QuerySet):
    def visible_to(self, user) -> ItemFileQuerySet:
        from .models import KnowledgeItem

        return self.filter(item__in=KnowledgeItem.objects.visible_to(user).values("pk"))


class RevisionQuerySet(models.QuerySet):
    def visible_to(self, user) -> RevisionQuerySet:
        from .models import KnowledgeItem

        return self.filter(item__in=KnowledgeItem.objects.visible_to(user).values("pk"))


class CommentQuerySet(models.QuerySet):
    def visible_to(self, user) -> CommentQuerySet:
        """Return comments on items and meetings user may see."""
        from meetings.models import Meeting

        from .models import KnowledgeItem

        return self.filter(
            Q(item__in=KnowledgeItem.objects.visible_to(user).values("pk"))
            | Q(meeting__in=Meeting.objects.visible_to(user).values("pk"))
        )


class AnswerQuerySet(models.QuerySet):
    def visible_to(self, user) -> AnswerQuerySet:
        from .models import KnowledgeItem

        return self.filter(item__in=KnowledgeItem.objects.visible_to(user).values("pk"))


class CollectionQuerySet(models.QuerySet):
    def visible_to(self, user) -> CollectionQuerySet:
        """Return public collections of communities whose content user sees, and members' collections to members."""
        from communities.models import Community

        public = Q(
            visibility=self.model.Visibility.PUBLIC,
            community__in=Community.objects.content_visible_to(user).values("pk"),
        )
        if not user.is_authenticated:
            return self.filter(public)
        if user.is_superuser:
            return self.all()
        return self.filter(
            public | Q(community__in=_active_community_ids(user)) | Q(community__in=managed_community_ids(user))
        )

    def editable_by(self, user) -> CollectionQuerySet:
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(Q(editor=user) | Q(community__in=managed_community_ids(user)))


class ReviewRoundQuerySet(models.QuerySet):
    def visible_to(self, user) -> ReviewRoundQuerySet:
        """Return rounds on items user may see: their state and due date are visible to all of those."""
        from .models import KnowledgeItem

        return self.filter(item__in=KnowledgeItem.objects.visible_to(user).values("pk"))

    def with_reviews_visible_to(self, user) -> ReviewRoundQuerySet:
        """Return rounds whose reviews user may read: the item's authors, the round's reviewers, coordinators."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.visible_to(user).filter(
            Q(item__created_by=user)
            | Q(item__in=_authored_item_ids(user))
            | Q(pk__in=self.model.reviewers.through.objects.filter(user=user).values("reviewround_id"))
            | Q(item__community__in=managed_community_ids(user))
        )


class ReviewQuerySet(models.QuerySet):
    def visible_to(self, user) -> ReviewQuerySet:
        from .models import ReviewRound

        return self.filter(round__in=ReviewRound.objects.with_reviews_visible_to(user).values("pk"))
