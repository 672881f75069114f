"""Scoped querysets: the only way views reach meetings and registrations."""

from __future__ import annotations

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connections, models
from django.db.models import F, Func, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from communities import permissions

CO_ORGANISER_PERM = "meetings.organise_meeting"


class _AnyOf(Func):
    """`field = ANY(ARRAY(subquery))`: the same rows as field__in=subquery, a condition an index can answer."""

    arg_joiner = " = ANY("
    template = "(%(expressions)s))"
    output_field = models.BooleanField()


def _any_of(field: str, ids) -> _AnyOf | Q:
    """Return the condition `field = ANY(ARRAY(ids))` (PostgreSQL only); ids may be a list already."""
    if isinstance(ids, list | tuple):  # the request's person already read (communities.permissions)
        return Q(**{f"{field}__in": ids})
    return _AnyOf(F(field), ArraySubquery(ids))


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

    def visible_in(self, user, community) -> MeetingQuerySet:
        """Return visible_to(user).filter(community=community): the same rows, the rule said for one community.

        What holds for the whole community is answered once (whether user is an active member of it and
        whether its content shows to them: the person, within a request) instead of being asked of every
        row, so a community page's query carries the group wall and the grants where it carried the
        whole rule: about a millisecond less to build and compile, and one or two less to plan (issue 15).
        """
        here = self.filter(community=community)
        if permissions.is_portal_admin(user):
            return here
        walled = permissions.in_visible_group(user)
        if user.is_authenticated and permissions.is_active_member(user, community):
            seen = walled  # public | members: every meeting of a community one is an active member of
        elif permissions.can_see_content(user, community):
            seen = Q(visibility=self.model.Visibility.PUBLIC) & walled
        else:
            seen = None
        if not user.is_authenticated:
            return here.filter(seen) if seen is not None else here.none()
        organising = Q(pk__in=permissions.granted_ids(user, CO_ORGANISER_PERM, self.model))
        return here.filter(seen | organising if seen is not None else organising)

    def viewers(self, meeting) -> Q:
        """Return a Q on users keeping those who may see meeting: visible_to read from the people's side.

        For jobs that ask about a chunk of people at once (reminders); the same answer as
        visible_to(user).filter(pk=meeting.pk).exists() for every active person.
        """
        community = meeting.community
        public = Q(pk__in=[])
        if meeting.visibility == self.model.Visibility.PUBLIC:
            public = permissions.audience_content(community)
        members = permissions.audience_members(community.pk)
        walled = permissions.audience_walled(meeting.group)
        organising = permissions.audience_granted(CO_ORGANISER_PERM, meeting, community_id=community.pk)
        return permissions.audience_admins() | ((public | members) & walled) | organising

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
        return self.filter(self.manageable_condition(user))

    def manageable_condition(self, user) -> Q:
        """Return the condition on a meeting's own row that manageable_by(user) filters on (signed in, not admin).

        As a column (meetings.selectors.can_manage_column) it answers for each row of a list without
        a subquery over the meetings: an EXISTS on manageable_by became a hashed subplan that read
        the 37,000 meetings REBUILD's coordinator organises for a page of 25 (45 ms, issue 15).
        """
        # Each id list is read once (an InitPlan) and matched with = ANY: three conditions an index
        # answers, OR-ed in a bitmap, instead of testing every meeting against three hashed
        # subqueries (issue 15: /me/ tested all 38,000 unclosed past meetings for one who organises none).
        communities = permissions.managed_community_ids(user)
        groups = permissions.managed_group_ids(user)
        granted = permissions.granted_ids(user, CO_ORGANISER_PERM, self.model)
        if connections[self.db].vendor != "postgresql":  # SQLite (make run) has no arrays
            return Q(community__in=communities) | Q(group__in=groups) | Q(pk__in=granted)
        return _any_of("community_id", communities) | _any_of("group_id", groups) | _any_of("pk", granted)

    def manageable_parts(self, user) -> tuple[MeetingQuerySet, MeetingQuerySet, MeetingQuerySet]:
        """Return manageable_by(user) as three disjoint querysets, one per kind of access; their union is the same rows.

        The meetings of the communities user coordinates, those of the groups they facilitate elsewhere,
        and the meetings they co-organise outside both. Each part is answered by one index ((community,
        status, end), (group, status, end), the primary key), so its count and its latest rows come from
        that index alone. The three OR-ed in one condition made PostgreSQL fetch every unclosed past meeting
        of REBUILD from the table to count them and pick five (issue 15: 20 ms of its coordinator's /me/).
        A part known to be empty (no coordinated community, no group facilitated elsewhere) is none():
        its query.is_empty() says so, and it is not asked.
        """
        if permissions.is_portal_admin(user):
            return self.all(), self.none(), self.none()
        if not user.is_authenticated:
            return self.none(), self.none(), self.none()
        communities = permissions.managed_community_ids(user)
        groups = permissions.facilitated_group_ids(user)
        granted = permissions.granted_ids(user, CO_ORGANISER_PERM, self.model)
        known_empty = [isinstance(ids, list) and not ids for ids in (communities, groups)]
        coordinated = self.none() if known_empty[0] else self.filter(community__in=communities)
        facilitated = self.none() if known_empty[1] else self.filter(group__in=groups)
        elsewhere = self.filter(pk__in=granted)
        if not known_empty[0]:
            elsewhere = elsewhere.exclude(community__in=communities)
        if not known_empty[1]:
            elsewhere = elsewhere.exclude(group__in=groups)
        return coordinated, facilitated, elsewhere

    def reviewable_by(self, user) -> MeetingQuerySet:
        """Return the meetings whose applications user may read and score.

        Their organisers (manageable_by) and the people named reviewers of the one meeting
        (the grant meetings.review_applications, through communities.permissions).
        """
        if permissions.is_portal_admin(user):
            return self.all()
        if not user.is_authenticated:
            return self.none()
        return self.filter(
            Q(pk__in=self.manageable_by(user).values("pk")) | Q(pk__in=permissions.reviewing_ids(user, self.model))
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

    def upcoming(self, *, community=None, since=None) -> MeetingQuerySet:
        """Return meetings that have not ended yet (ongoing ones included), soonest first.

        since (a datetime, default now) moves that moment: the calendar feeds start a month back.

        `end >= now` alone would make PostgreSQL walk a community's whole history in the
        (community, start) index to reach them, the past coming first. So the start is bounded
        too, by the same rows: an upcoming meeting starts after now or is in progress, and the
        ones in progress are found through meeting_period_gist (MeetingPeriod), a handful at any
        moment. community (a Community, its pk or an OuterRef) narrows that handful to one
        community, so a long meeting elsewhere does not widen the scan.
        """
        now = since or timezone.now()
        upcoming = self.filter(end__gte=now)
        if connections[self.db].vendor == "postgresql":
            from .models.meetings import MeetingPeriod

            in_progress = self.model.objects.alias(period=MeetingPeriod()).filter(period__contains=now)
            if community is not None:
                in_progress = in_progress.filter(community=community)
            earliest = in_progress.order_by("start").values("start")[:1]
            upcoming = upcoming.filter(start__gte=Coalesce(Subquery(earliest), Value(now)))
        return upcoming.order_by("start", "pk")

    def past(self) -> MeetingQuerySet:
        """Return meetings that have ended, most recent first.

        `start < now` follows from `end < now` (a meeting ends after it starts); said out loud, it
        lets the (community, start) index begin at now instead of passing every future meeting.
        """
        now = timezone.now()
        return self.filter(start__lt=now, end__lt=now).order_by("-start", "-pk")

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
