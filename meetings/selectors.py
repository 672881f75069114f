"""Reads about meetings for pages here and in other apps (the /me/ page, directory cards, community home)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import timedelta

from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from communities import permissions
from communities.models import Community, Group, Membership
from communities.translation import prefetch_translations

from .models import ActionItem, AgendaItem, Meeting, Registration
from .querysets import CO_ORGANISER_PERM


def registration_count(registrations: QuerySet[Registration]):
    """Return an expression counting the given registrations of each meeting (OuterRef("pk")), 0 for none."""
    counted = (
        registrations.filter(meeting=OuterRef("pk"))
        .order_by()
        .values("meeting")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def with_counts(meetings: QuerySet[Meeting], user) -> QuerySet[Meeting]:
    """Annotate seats taken and, for a signed-in viewer, their own registration status (my_status)."""
    # A correlated count, not a join with GROUP BY: PostgreSQL computes it for the rows of the page
    # only (after ORDER BY ... LIMIT), instead of grouping every registration of every listed meeting.
    meetings = meetings.annotate(seats_taken=registration_count(Registration.objects.seats_taken()))
    if user.is_authenticated:
        mine = Registration.objects.filter(meeting=OuterRef("pk"), user=user).values("status")[:1]
        meetings = meetings.annotate(my_status=Subquery(mine))
    return meetings


def for_cards(meetings: QuerySet[Meeting], user) -> QuerySet[Meeting]:
    """Return meetings ready for list cards: related rows joined, themes prefetched, counts annotated."""
    return (
        with_counts(meetings, user).select_related("community", "group", "host_organization").prefetch_related("themes")
    )


def community_meetings(*, community: Community, user) -> QuerySet[Meeting]:
    return Meeting.objects.visible_in(user, community)


def filter_meetings(meetings: QuerySet[Meeting], *, kind="", group="", format="", theme="") -> QuerySet[Meeting]:  # noqa: A002
    if kind in Meeting.Kind.values:
        meetings = meetings.filter(kind=kind)
    if format in Meeting.Format.values:
        meetings = meetings.filter(format=format)
    if group:
        meetings = meetings.filter(group__slug=group)
    if theme:
        meetings = meetings.filter(themes__slug=theme)
    return meetings


THEME_SAMPLE = 1000  # the meetings whose themes the list's filter offers


def theme_choices(meetings: QuerySet[Meeting], *, selected: str = "") -> list[tuple[str, str]]:
    """Return (slug, name) of the themes of the first THEME_SAMPLE of meetings (in their order), for the filter.

    Not every meeting of the community: that joined the themes of its whole history on every request
    (1.2 s at network scale, issue 15); the meetings the list shows first are what its filter is for.
    The selected theme stays offered, so a filtered list keeps its choice.
    """
    from taggit.models import Tag

    first = meetings.values("pk")[:THEME_SAMPLE]
    used = Q(meetings_themedmeeting_items__content_object__in=first)
    tags = Tag.objects.filter(used | Q(slug=selected) if selected else used).distinct().order_by("name")
    return list(tags.values_list("slug", "name"))


def can_schedule(*, user, community: Community) -> bool:
    """Return whether user may schedule meetings in community (a coordinator, or a facilitator of a group)."""
    return schedulable_groups(user=user, community=community) is not None


def schedulable_groups(*, user, community: Community) -> QuerySet[Group] | None:
    """Return the groups user may schedule for; None when they may schedule nothing.

    A coordinator gets all the community's groups (and may leave the group empty), a
    facilitator only their own groups.
    """
    if not user.is_authenticated:
        return None
    # Nothing new goes into an archived group (communities.permissions.group_accepts_new_content).
    groups = Group.objects.filter(community=community).unarchived().in_order()
    if permissions.can_manage(user, community):
        return groups
    own = groups.filter(pk__in=permissions.managed_group_ids(user))
    return own if own.exists() else None


def is_coordinator(*, user, community: Community) -> bool:
    return permissions.can_manage(user, community)


def can_manage(*, user, meeting: Meeting) -> bool:
    return Meeting.objects.manageable_by(user).filter(pk=meeting.pk).exists()


def can_manage_column(user):
    """Return can_manage(user=user, meeting=...) as a column of a meeting query: no query of its own.

    The condition of manageable_by on the row itself, not an EXISTS on manageable_by: PostgreSQL ran
    that as a hashed subplan over every meeting the person organises (issue 15).
    """
    if not user.is_authenticated:
        return Value(False, output_field=BooleanField())
    if permissions.is_portal_admin(user):
        return Value(True, output_field=BooleanField())
    # A meeting of no group leaves `group_id = ANY(...)` unknown (NULL): false, as in a WHERE.
    condition = ExpressionWrapper(Meeting.objects.manageable_condition(user), output_field=BooleanField())
    return Coalesce(condition, Value(False), output_field=BooleanField())


def meeting_for_page(*, meeting_qs: QuerySet[Meeting]) -> QuerySet[Meeting]:
    """Return the queryset of the meeting page: everything it shows in a fixed number of queries."""
    return meeting_qs.select_related(
        "community", "group", "host_organization", "series", "outcome", "created_by"
    ).prefetch_related(
        "themes",
        Prefetch("agenda_items", queryset=AgendaItem.objects.order_by("order", "pk")),
        Prefetch("action_items", queryset=ActionItem.objects.select_related("owner")),
    )


def registration_of(*, meeting: Meeting, user, with_application: bool = False) -> Registration | None:
    """Return user's registration for meeting; with_application reads its application in the same query."""
    if not user.is_authenticated:
        return None
    registrations = Registration.objects.filter(meeting=meeting, user=user)
    if with_application:
        registrations = registrations.select_related("application")
    return registrations.first()


def waitlist_position(*, registration: Registration, split: bool = False) -> int | None:
    """Return the 1-based place of a waitlisted registration in its queue (its mode's, when seats are split)."""
    if registration.status != Registration.Status.WAITLISTED:
        return None
    queue = Registration.objects.filter(meeting_id=registration.meeting_id)
    if split:
        online = Registration.Mode.ONLINE
        if registration.attendance_mode == online:
            queue = queue.filter(attendance_mode=online)
        else:
            queue = queue.exclude(attendance_mode=online)
    ahead = (
        queue.waitlisted()
        .filter(Q(position__lt=registration.position) | Q(position=registration.position, pk__lt=registration.pk))
        .count()
    )
    return ahead + 1


def registrations_for_organisers(*, meeting: Meeting) -> QuerySet[Registration]:
    """Return every registration of meeting with the person, organisation and country, in a fixed number of queries."""
    return (
        Registration.objects.filter(meeting=meeting)
        .select_related("user", "user__organization", "organization")
        .order_by("status", "position", "created_at", "pk")
    )


def attendance_by_organisation(registrations: Iterable[Registration]) -> list[tuple[str, int]]:
    """Return (organisation, number of attendees) for the people who attended, largest first."""
    counts = Counter(
        registration.organisation_label or _("No organisation given")
        for registration in registrations
        if registration.attended
    )
    return sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))


def status_counts(registrations: Iterable[Registration]) -> dict[str, int]:
    counts = Counter(registration.status for registration in registrations)
    return {status: counts.get(status, 0) for status in Registration.Status.values}


# ---------------------------------------------------------------- for other apps


def _my_communities(user) -> QuerySet[Community]:
    return Community.objects.member_of(user)


def upcoming_meetings_for(user, limit: int = 5) -> list[Meeting]:
    """Return the next meetings across all of user's communities (for /me/), with their registration status.

    Two queries whatever the number of communities and meetings (themes prefetched).
    """
    if not user.is_authenticated:
        return []
    meetings = (
        Meeting.objects.visible_to(user)
        .filter(community__in=_my_communities(user))
        .exclude(status=Meeting.Status.CANCELLED)
        .upcoming()
    )
    return list(for_cards(meetings, user)[:limit])


def community_upcoming(community: Community, user, limit: int = 5) -> list[Meeting]:
    """Return the next meetings of community that user may see (for the community home)."""
    meetings = (
        community_meetings(community=community, user=user)
        .exclude(status=Meeting.Status.CANCELLED)
        .upcoming(community=community)
    )
    return list(for_cards(meetings, user)[:limit])


def next_meeting_by_community(user, community_ids: Iterable[int]) -> dict[int, Meeting]:
    """Return {community id: its next meeting user may see} for directory cards, in two queries."""
    community_ids = list(community_ids)
    if not community_ids:
        return {}
    visible = (
        Meeting.objects.visible_to(user)
        .exclude(status=Meeting.Status.CANCELLED)
        .filter(community=OuterRef("pk"))
        # Bounded by the meetings in progress in that community (its pk, one level further out).
        .upcoming(community=OuterRef(OuterRef("pk")))
    )
    next_pk = visible.values("pk")[:1]
    # Communities without one are dropped here, not by a WHERE on the subquery: PostgreSQL would
    # run it twice per community (once to filter, once to select), the dearest part of the directory.
    pairs = Community.objects.filter(pk__in=community_ids).annotate(next_meeting_pk=Subquery(next_pk))
    pairs = {pk: next_meeting for pk, next_meeting in pairs.values_list("pk", "next_meeting_pk") if next_meeting}
    meetings = Meeting.objects.filter(pk__in=pairs.values()).select_related("community", "group")
    by_pk = {meeting.pk: meeting for meeting in meetings}
    return {community_id: by_pk[pk] for community_id, pk in pairs.items() if pk in by_pk}


FEED_PAST_DAYS = 31  # a calendar feed starts this many days back
FEED_LIMIT = 1000  # and carries at most this many meetings, the earliest first


def _feed_window(meetings: QuerySet[Meeting], *, community=None) -> QuerySet[Meeting]:
    """Return the meetings of a calendar feed: from FEED_PAST_DAYS back on, at most FEED_LIMIT, earliest first.

    A feed that carried a community's whole future and half a year of past (13,000 events, 8 MB
    and seconds of work at network scale, issue 15) is refetched by every subscriber's calendar
    every few hours; calendar services keep subscribed feeds small the same way.
    """
    since = timezone.now() - timedelta(days=FEED_PAST_DAYS)
    return meetings.upcoming(community=community, since=since).select_related("community")[:FEED_LIMIT]


def personal_feed_meetings(user) -> tuple[QuerySet[Meeting], set[int]]:
    """Return the meetings of user's personal calendar feed and the ids whose join link they may have.

    The feed covers the meetings user may see in the communities they belong to, from
    FEED_PAST_DAYS ago on (at most FEED_LIMIT); the join link only where user holds a seat.
    """
    since = timezone.now() - timedelta(days=FEED_PAST_DAYS)
    meetings = _feed_window(Meeting.objects.visible_to(user).filter(community__in=_my_communities(user)))
    registered = set(
        Registration.objects.filter(
            user=user, status=Registration.Status.REGISTERED, meeting__end__gte=since
        ).values_list("meeting_id", flat=True)
    )
    return meetings, registered


def community_feed_meetings(community: Community, user) -> QuerySet[Meeting]:
    """Return the public meetings of community for its feed (_feed_window), cancelled ones included."""
    return _feed_window(Meeting.objects.visible_to(user).public().filter(community=community), community=community)


def active_members(community: Community) -> QuerySet:
    from members.models import User

    member_ids = Membership.objects.active().community_level().filter(community=community).values("user_id")
    return User.objects.filter(pk__in=member_ids, is_active=True).order_by("full_name", "email")


def annotate_next_meeting(*, communities: list, user) -> None:
    """Set community.next_meeting on each directory card (a fixed number of queries for the whole list)."""
    by_community = next_meeting_by_community(user, [community.pk for community in communities])
    for community in communities:
        community.next_meeting = by_community.get(community.pk)


def community_home_meetings(*, request, community: Community) -> dict:
    """Fill the "Upcoming meetings" section of the community home."""
    return {
        "home_meetings_template": "meetings/partials/_home_upcoming.html",
        "meetings": community_upcoming(community, request.user, limit=5),
        "heading_id": "meetings-heading",
    }


GROUP_PAGE_LIMIT = 5


def group_page_meetings(*, request, community: Community, group: Group) -> dict:
    """Fill a group's page (communities.hooks): its next and last meetings and the open actions of their minutes.

    Four or five queries whatever the number of meetings (themes of the next ones, the translations of
    both lists), each block limited.
    """
    user = request.user
    meetings = community_meetings(community=community, user=user).filter(group=group)
    # The next and the last meetings in one query: the ids of each (bounded, index-ordered) chosen in
    # subqueries, the rows read once, then split; themes only for the cards of the next ones.
    now = timezone.now()
    held = meetings.exclude(status=Meeting.Status.CANCELLED)
    next_ids = held.filter(end__gte=now).order_by("start", "pk").values("pk")[:GROUP_PAGE_LIMIT]
    last_ids = held.filter(end__lt=now).order_by("-start", "-pk").values("pk")[:GROUP_PAGE_LIMIT]
    if connection.features.supports_slicing_ordering_in_compound:
        # id IN ((... LIMIT 5) UNION ALL (... LIMIT 5)): ten primary-key lookups. An OR of the two
        # subqueries would make PostgreSQL scan every meeting (200,000 at network scale) against them.
        chosen = Q(pk__in=next_ids.union(last_ids, all=True))
    else:  # SQLite cannot limit the parts of a UNION
        chosen = Q(pk__in=next_ids) | Q(pk__in=last_ids)
    both = list(
        with_counts(Meeting.objects.filter(chosen), user).select_related(
            "community", "group", "host_organization", "outcome"
        )
    )
    upcoming = sorted((m for m in both if m.end >= now), key=lambda m: (m.start, m.pk))
    past = sorted((m for m in both if m.end < now), key=lambda m: (m.start, m.pk), reverse=True)
    prefetch_related_objects(upcoming, "themes")
    # Both lists' translations (and their communities' and groups') in one query: each list's
    # {% reader_list %} then finds its rows loaded, so the page asks once, not once per list.
    prefetch_translations(both)
    actions = list(
        ActionItem.objects.filter(status__in=ActionItem.OPEN_STATUSES, meeting__in=meetings.values("pk"))
        .select_related("owner", "meeting__community")
        .order_by(F("due_date").asc(nulls_last=True), "meeting__start", "order", "pk")[:GROUP_PAGE_LIMIT]
    )
    return {
        "group_meetings_template": "meetings/partials/_group_meetings.html",
        "group_upcoming_meetings": upcoming,
        "group_past_meetings": past,
        "group_open_actions": actions,
        "group_today": timezone.localdate(),
        "group_can_schedule": permissions.can_manage(user, group) and not group.is_archived,
    }


# --- Co-organisers ----------------------------------------------------------------------------------

COORGANISER_RESULTS = 20


def can_name_coorganisers(*, user, meeting: Meeting) -> bool:
    """Return whether user may name and remove meeting's co-organisers (see MeetingQuerySet.delegable_by)."""
    return Meeting.objects.delegable_by(user).filter(pk=meeting.pk).exists()


def coorganisers(*, meeting: Meeting) -> QuerySet:
    """Return meeting's co-organisers (active members holding the grant), by name, with their organisations."""
    return (
        permissions.users_granted(CO_ORGANISER_PERM, meeting).select_related("organization").order_by("full_name", "pk")
    )


def coorganiser_candidates(*, meeting: Meeting, user, query: str = "") -> QuerySet:
    """Return the people user may name co-organisers of meeting, matching query; none for an empty query.

    Only active members of the meeting's community, never anyone else. A full email address
    finds any member by that address; a name finds members listed in the directory (every
    member, for a coordinator, who sees them all in the console). Current co-organisers are left out.
    """
    from django.contrib.auth import get_user_model

    query = " ".join((query or "").split())
    if not query:
        return get_user_model().objects.none()
    members = Membership.objects.active().community_level().filter(community_id=meeting.community_id)
    people = get_user_model().objects.filter(pk__in=members.values("user_id"), is_active=True)
    if "@" in query:
        people = people.filter(email__iexact=query)
    else:
        people = people.filter(full_name__icontains=query)
        if not permissions.can_manage(user, meeting.community):
            people = people.filter(listed_in_directory=True)
    current = permissions.users_granted(CO_ORGANISER_PERM, meeting).values("pk")
    return people.exclude(pk__in=current).select_related("organization").order_by("full_name", "pk")
