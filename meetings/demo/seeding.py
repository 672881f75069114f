"""Creating the demo meetings, idempotently (seed_meetings)."""

from __future__ import annotations

import zoneinfo
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from communities.models import Community, Group
from members.models import Organization, User

from .. import services
from ..models import AgendaItem, Meeting, MeetingSeries, Registration
from ..recurrence import Frequency, SeriesRule
from .base import ZOOM, Demo, F, K, _first_weekday_of_next_month
from .forms import _great_european_conference_form, _rebuild_summer_school_applications
from .italian import capitale_naturale, con_i_bambini, er_step
from .multiply import multiply
from .rebuild import rebuild


def all_demos() -> list[Demo]:
    return rebuild() + capitale_naturale() + con_i_bambini() + multiply() + er_step()


def _uid(key: str) -> str:
    return f"demo-{key}@cop-portal"


class _Lookup:
    """Cache the rows demo meetings refer to; a missing one is None and its meeting is skipped."""

    def __init__(self):
        self.communities = {c.slug: c for c in Community.objects.all()}
        self.groups = {(g.community.slug, g.slug): g for g in Group.objects.select_related("community")}
        self.organisations = {o.name: o for o in Organization.objects.all()}
        self.people = {u.email: u for u in User.objects.filter(email__endswith="@cop.demo")}


@transaction.atomic
def seed_meetings() -> dict[str, int]:
    """Create the demo meetings, series, agendas, registrations and minutes; return how many were created."""
    lookup = _Lookup()
    existing = set(Meeting.objects.filter(uid__startswith="demo-").values_list("uid", flat=True))
    created = 0
    for demo in all_demos():
        if _uid(demo.key) in existing:
            continue
        if _create(demo, lookup):
            created += 1
    series = _rebuild_partnership_series(lookup)
    return {"meetings": created, "series": series}


def _create(demo: Demo, lookup: _Lookup) -> Meeting | None:
    community = lookup.communities.get(demo.community)
    if community is None:
        return None
    group = lookup.groups.get((demo.community, demo.group)) if demo.group else None
    if demo.group and group is None:
        return None
    zone = zoneinfo.ZoneInfo(demo.time_zone)
    start = demo.start.replace(tzinfo=zone)
    organiser = lookup.people.get(demo.organiser) if demo.organiser else None
    meeting = services.meeting_schedule(
        community=community,
        by=organiser,
        uid=_uid(demo.key),
        themes=demo.themes,
        kind=demo.kind,
        format=demo.format,
        title=demo.title,
        description=demo.description,
        start=start,
        end=start + timedelta(hours=demo.hours),
        time_zone=demo.time_zone,
        venue=demo.venue,
        city=demo.city,
        country=demo.country,
        online_url=ZOOM.format(demo.key) if demo.format != F.IN_PERSON else "",
        host_organization=lookup.organisations.get(demo.host) if demo.host else None,
        group=group,
        audience=demo.audience,
        capacity=demo.capacity,
        online_capacity=demo.online_capacity,
        registration_policy=demo.policy,
        visibility=demo.visibility,
    )
    AgendaItem.objects.bulk_create(
        AgendaItem(
            meeting=meeting,
            order=order,
            title=title,
            starts_at=datetime.combine(demo.start.date(), time.fromisoformat(at), tzinfo=zone),
        )
        for order, (at, title) in enumerate(demo.agenda, start=1)
    )
    past = meeting.end < timezone.now()
    # Demo registrations are written directly: seeding must not email anyone.
    registrations = Registration.objects.bulk_create(
        Registration(meeting=meeting, user=lookup.people[email], status=Registration.Status.REGISTERED, attended=past)
        for email in demo.attendees
        if email in lookup.people
    )
    if demo.key in DEMO_FORMS:
        DEMO_FORMS[demo.key](meeting, registrations)
    if past:
        services.meeting_close(meeting=meeting, by=organiser, minutes=demo.minutes, decisions=demo.decisions)
    return meeting


DEMO_FORMS = {
    "multiply-great-european-conference-2020": _great_european_conference_form,
    "rebuild-summer-school-applications": _rebuild_summer_school_applications,
}


def _rebuild_partnership_series(lookup: _Lookup) -> int:
    """Create REBUILD's monthly virtual partnership meetings: first Tuesday of the month, 11:00 Rome, six months."""
    community = lookup.communities.get("rebuild")
    title = "Virtual partnership meeting"
    if community is None or MeetingSeries.objects.filter(community=community, title=title).exists():
        return 0
    starts_on = _first_weekday_of_next_month(1)
    services.series_create(
        community=community,
        by=lookup.people.get("coordinator.rebuild@cop.demo"),
        rule=SeriesRule(
            frequency=Frequency.MONTHLY,
            ordinal=1,
            weekday=1,
            start_time=time(11, 0),
            duration_minutes=90,
            time_zone="Europe/Rome",
            starts_on=starts_on,
            until=starts_on + timedelta(days=183),
        ),
        themes=["project management"],
        title=title,
        kind=K.INFORMAL,
        format=F.ONLINE,
        description="The monthly virtual meeting of all partners (Libya, Italy, Tunisia), on Zoom or Meet.",
        online_url=ZOOM.format("rebuild-partnership"),
        audience=["project_staff"],
        registration_policy=Meeting.RegistrationPolicy.NONE,
        visibility=Meeting.Visibility.MEMBERS,
    )
    return 1
