"""Scoped querysets: the only way views reach meetings and registrations."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from communities import permissions

CO_ORGANISER_PERM = "meetings.organise_meeting"


class MeetingQuerySet(models.QuerySet):
    def visible_to(self, user) -> MeetingQuerySet:
        """Return the meetings user may see; a hidden one and a missing one look the same (404).

        Public meetings show to whoever may see the community's content (anyone for a
        public community, its members for a members-only one); members-only meetings to
        the community's active members. Nothing of a hidden community reaches outsiders.
        A meeting of a group is seen only by those who may see the group (Group.visibility).
        """
        from communities.models import Community

        if permissions.is_portal_admin(user):
            return self.all()
        public = Q(
            visibility=self.model.Visibility.PUBLIC,
            community__in=Community.objects.content_visible_to(user),
        )
        # A meeting of a group shows only to those who may see the group (a private group's
        # meetings stay behind it); a co-organiser always sees the meeting they organise.
        walled = permissions.in_visible_group(user)
        if not user.is_authenticated:
            return self.filter(public & walled)
        members = Q(community__in=Community.objects.member_of(user))
        organising = Q(pk__in=permissions.granted_ids(user, CO_ORGANISER_PERM, self.model))
        return self.filter(((public | members) & walled) | organising)

    def manageable_by(self, user) -> MeetingQuerySet:
        """Return the meetings user may organise.

        Coordinators (guardian communities.manage_community) organise every meeting of
        their community, facilitators (communities.manage_group) those of their groups,
        and a co-organiser (meetings.organise_meeting) the single meeting granted.
        """
        if permissions.is_portal_admin(user):
            return self.all()
        if not user.is_authenticated:
            return self.none()
        return self.filter(
            Q(community__in=permissions.managed_community_ids(user))
            | Q(group__in=permissions.managed_group_ids(user))
            | Q(pk__in=permissions.granted_ids(user, CO_ORGANISER_PERM, self.model))
        )

    def delegable_by(self, user) -> MeetingQuerySet:
        """Return the meetings whose co-organisers user may name and remove.

        The people who organise a meeting by their role: coordinators of its community and
        facilitators of its group. A co-organiser manages the one meeting but does not pass
        the right on.
        """
        if permissions.is_portal_admin(user):
            return self.all()
        if not user.is_authenticated:
            return self.none()
        return self.filter(
            Q(community__in=permissions.managed_community_ids(user)) | Q(group__in=permissions.managed_group_ids(user))
        )

    def upcoming(self) -> MeetingQuerySet:
        """Return meetings that have not ended yet (ongoing ones included), soonest first."""
        return self.filter(end__gte=timezone.now()).order_by("start", "pk")

    def past(self) -> MeetingQuerySet:
        """Return meetings that have ended, most recent first."""
        return self.filter(end__lt=timezone.now()).order_by("-start", "-pk")

    def public(self) -> MeetingQuerySet:
        return self.filter(visibility=self.model.Visibility.PUBLIC)

    def in_range(self, start, end) -> MeetingQuerySet:
        """Return meetings overlapping the half-open interval [start, end)."""
        return self.filter(start__lt=end, end__gt=start)


class RegistrationQuerySet(models.QuerySet):
    def registered(self) -> RegistrationQuerySet:
        return self.filter(status=self.model.Status.REGISTERED)

    def seats_taken(self) -> RegistrationQuerySet:
        """Return the registrations that occupy a seat (walk-ins come on the day and take none)."""
        return self.filter(status=self.model.Status.REGISTERED, walk_in=False)

    def waitlisted(self) -> RegistrationQuerySet:
        return self.filter(status=self.model.Status.WAITLISTED).order_by("position", "created_at", "pk")

    def active(self) -> RegistrationQuerySet:
        return self.filter(status__in=self.model.ACTIVE_STATUSES)

    def visible_to(self, user) -> RegistrationQuerySet:
        """Return the registrations user may read: their own, and all of the meetings they organise."""
        from .models import Meeting

        if not user.is_authenticated:
            return self.none()
        return self.filter(Q(user=user) | Q(meeting__in=Meeting.objects.manageable_by(user)))
