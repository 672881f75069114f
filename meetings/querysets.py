"""Scoped querysets: the only way views reach meetings and registrations."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import BigIntegerField, Q
from django.db.models.functions import Cast
from django.utils import timezone


def perm_q(user, codename: str, model, field: str) -> Q:
    """Return a Q matching rows whose `field` is an object of model on which user holds guardian permission codename.

    Guardian stores object keys as text; the cast lets the database compare them with
    integer keys inside the same query. Global permissions are deliberately ignored.
    """
    from guardian.models import GroupObjectPermission, UserObjectPermission

    content_type = ContentType.objects.get_for_model(model)
    direct = (
        UserObjectPermission.objects.filter(user=user, permission__codename=codename, content_type=content_type)
        .annotate(object_id=Cast("object_pk", BigIntegerField()))
        .values("object_id")
    )
    via_groups = (
        GroupObjectPermission.objects.filter(group__user=user, permission__codename=codename, content_type=content_type)
        .annotate(object_id=Cast("object_pk", BigIntegerField()))
        .values("object_id")
    )
    return Q(**{f"{field}__in": direct}) | Q(**{f"{field}__in": via_groups})


class MeetingQuerySet(models.QuerySet):
    def visible_to(self, user) -> MeetingQuerySet:
        """Return the meetings user may see; a hidden one and a missing one look the same (404).

        Public meetings show to whoever may see the community's content (anyone for a
        public community, its members for a members-only one); members-only meetings to
        the community's active members. Nothing of a hidden community reaches outsiders.
        """
        from communities.models import Community

        if user.is_authenticated and user.is_superuser:
            return self.all()
        public = Q(
            visibility=self.model.Visibility.PUBLIC,
            community__in=Community.objects.content_visible_to(user),
        )
        if not user.is_authenticated:
            return self.filter(public)
        members = Q(community__in=Community.objects.member_of(user))
        return self.filter(public | members)

    def manageable_by(self, user) -> MeetingQuerySet:
        """Return the meetings user may organise.

        Coordinators (guardian communities.manage_community) organise every meeting of
        their community, facilitators (communities.manage_group) those of their groups,
        and a co-organiser (meetings.organise_meeting) the single meeting granted.
        """
        from communities.models import Community, Group

        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(
            perm_q(user, "manage_community", Community, "community")
            | perm_q(user, "manage_group", Group, "group")
            | perm_q(user, "organise_meeting", self.model, "pk")
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
