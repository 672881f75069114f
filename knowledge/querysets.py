"""Scoped querysets: the only way views reach knowledge.

Rules of visibility (a hidden item and a missing one look the same: 404):
- published public items of communities whose content the viewer may see;
- published community items to active members of the community;
- published group items to active members of that group, and to the community's coordinators;
- an item of a group (whatever its own visibility) only to those who may see the group
  (Group.visibility: a private group's items stay behind it);
- drafts only to their authors and coordinators (and to the reviewers of a review round on them);
- authors always see their own items; staff superusers see everything.
Coordinators, active membership and per-object grants are decided by communities.permissions:
an author, co-author or reviewer who leaves the community loses what the role gave at once.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from communities import permissions

CHANGE_PERM = "knowledge.change_knowledgeitem"


def _authored_item_ids(user):
    from .models import ItemAuthor

    return ItemAuthor.objects.filter(user=user).values("item_id")


def _reviewed_item_ids(user):
    """Return a subquery of the items user reviews in a round not cancelled, while a member of their community."""
    from .models import ReviewRound

    return (
        ReviewRound.objects.filter(reviewers=user, item__community__in=permissions.active_community_ids(user))
        .exclude(state=ReviewRound.State.CANCELLED)
        .values("item_id")
    )


# Published, said with the date a published item always has (constraint knowledge_item_published_has_date):
# the same rows, and a scan of knowledge_item_list_idx in the list's order then starts past the drafts
# (no date, first in that order: REBUILD's 18,571 at full scale, 4 ms walked for each visitor's count
# and page) instead of reading through them (issue 15).
PUBLISHED_Q = Q(status="published", published_at__isnull=False)


class KnowledgeItemQuerySet(models.QuerySet):
    def published(self) -> KnowledgeItemQuerySet:
        return self.filter(PUBLISHED_Q)

    def visible_to(self, user) -> KnowledgeItemQuerySet:
        """Return the items user may see."""
        from communities.models import Community

        Visibility = self.model.Visibility
        published = PUBLISHED_Q
        public = published & Q(
            visibility=Visibility.PUBLIC, community__in=Community.objects.content_visible_to(user).values("pk")
        )
        if permissions.is_portal_admin(user):
            return self.all()
        if not user.is_authenticated:
            return self.filter(public & permissions.in_visible_group(user))
        managed = permissions.managed_community_ids(user)
        active = permissions.active_community_ids(user)
        community = published & Q(visibility=Visibility.COMMUNITY, community__in=active)
        group = (
            published
            & Q(visibility=Visibility.GROUP)
            & (Q(group__in=permissions.active_group_ids(user), community__in=active) | Q(community__in=managed))
        )
        own = (Q(created_by=user) | Q(pk__in=_authored_item_ids(user))) & Q(community__in=active)
        drafts_for_coordinators = Q(community__in=managed)
        reviewing = Q(pk__in=_reviewed_item_ids(user))
        # An item of a group shows only to those who may see the group: a private group's
        # items stay behind it, whatever their own visibility. Authors, reviewers and
        # coordinators keep their access.
        walled = permissions.in_visible_group(user)
        return self.filter(((public | community | group) & walled) | own | drafts_for_coordinators | reviewing)

    def visible_in(self, user, community) -> KnowledgeItemQuerySet:
        """Return visible_to(user).filter(community=community): the same rows, the rule said for one community.

        What holds for the whole community is answered once (whether user coordinates it, is an active
        member of it, may see its content: the person, within a request) instead of being asked of every
        row, so a community page's query carries a few conditions where it carried the whole rule (issue 15).
        """
        here = self.filter(community=community)
        if permissions.is_portal_admin(user) or permissions.can_manage(user, community):
            return here  # a coordinator sees every item of their community, drafts included
        Visibility = self.model.Visibility
        member = user.is_authenticated and permissions.is_active_member(user, community)
        shown = Q(pk__in=[])
        if permissions.can_see_content(user, community):
            shown |= Q(visibility=Visibility.PUBLIC)
        if member:
            shown |= Q(visibility=Visibility.COMMUNITY)
            shown |= Q(visibility=Visibility.GROUP, group__in=permissions.active_group_ids(user))
        seen = PUBLISHED_Q & shown & permissions.in_visible_group(user)
        if not user.is_authenticated:
            return here.filter(seen)
        if member:
            seen |= Q(created_by=user) | Q(pk__in=_authored_item_ids(user))
        return here.filter(seen | Q(pk__in=_reviewed_item_ids(user)))

    def editable_by(self, user, *, pk: int | None = None) -> KnowledgeItemQuerySet:
        """Return the items user may edit: own or co-authored (while a member), and coordinators'.

        pk asks about one item: the co-authors' grants are then looked up for it alone (by index).
        """
        items = self if pk is None else self.filter(pk=pk)
        if permissions.is_portal_admin(user):
            return items.all()
        if not user.is_authenticated:
            return items.none()
        return items.filter(
            Q(created_by=user, community__in=permissions.active_community_ids(user))
            | Q(pk__in=permissions.granted_ids(user, CHANGE_PERM, self.model, object_pk=pk))
            | Q(community__in=permissions.managed_community_ids(user))
        )

    def for_list(self) -> KnowledgeItemQuerySet:
        """Fetch what an item card shows in a fixed number of queries."""
        from .models import ItemAuthor

        authors = ItemAuthor.objects.select_related("user", "user__organization").order_by("order", "pk")
        # An item card shows its authors and themes; its organisations only show on the item's own page.
        return self.select_related("community", "group").prefetch_related(
            models.Prefetch("authorships", queryset=authors), "themes"
        )

    def for_latest(self) -> KnowledgeItemQuerySet:
        """Fetch what a "latest knowledge" line shows (title, kind, authors): one query for the authors, no more."""
        from .models import ItemAuthor

        authors = ItemAuthor.objects.select_related("user", "user__organization").order_by("order", "pk")
        return self.select_related("community", "group").prefetch_related(
            models.Prefetch("authorships", queryset=authors)
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

    def on_meeting_visible_to(self, meeting, user) -> CommentQuerySet:
        """Return the comments on meeting when user may see it: visible_to(user).filter(meeting=meeting).

        The same rows, with the visibility asked of that one meeting rather than of every item and
        meeting of the network (a hashed list of 876,000 items at network scale, 1.5 s; issue 15).
        """
        from meetings.models import Meeting

        return self.filter(meeting__in=Meeting.objects.visible_to(user).filter(pk=meeting.pk).values("pk"))


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
        if permissions.is_portal_admin(user):
            return self.all()
        if not user.is_authenticated:
            return self.filter(public)
        return self.filter(
            public
            | Q(community__in=permissions.active_community_ids(user))
            | Q(community__in=permissions.managed_community_ids(user))
        )

    def editable_by(self, user) -> CollectionQuerySet:
        """Return the collections user may edit: theirs as editor while a member, and coordinators'."""
        if permissions.is_portal_admin(user):
            return self.all()
        if not user.is_authenticated:
            return self.none()
        return self.filter(
            Q(editor=user, community__in=permissions.active_community_ids(user))
            | Q(community__in=permissions.managed_community_ids(user))
        )


class ReviewRoundQuerySet(models.QuerySet):
    def visible_to(self, user) -> ReviewRoundQuerySet:
        """Return rounds on items user may see: their state and due date are visible to all of those."""
        from .models import KnowledgeItem

        return self.filter(item__in=KnowledgeItem.objects.visible_to(user).values("pk"))

    def with_reviews_visible_to(self, user) -> ReviewRoundQuerySet:
        """Return rounds whose reviews user may read: the item's authors, the round's reviewers, coordinators."""
        if permissions.is_portal_admin(user):
            return self.all()
        if not user.is_authenticated:
            return self.none()
        active = permissions.active_community_ids(user)
        return self.visible_to(user).filter(
            (
                Q(item__created_by=user)
                | Q(item__in=_authored_item_ids(user))
                | Q(pk__in=self.model.reviewers.through.objects.filter(user=user).values("reviewround_id"))
            )
            & Q(item__community__in=active)
            | Q(item__community__in=permissions.managed_community_ids(user))
        )


class ReviewQuerySet(models.QuerySet):
    def visible_to(self, user) -> ReviewQuerySet:
        from .models import ReviewRound

        return self.filter(round__in=ReviewRound.objects.with_reviews_visible_to(user).values("pk"))
