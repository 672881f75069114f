"""Scheduling, series, agendas, registrations with waitlists, attendance and closing: the services."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from meetings import services
from meetings.models import ActionItem, AgendaItem, Meeting, MeetingOutcome, Registration
from meetings.recurrence import Frequency, SeriesRule
from members.models import OutboxMessage
from tests.factories import CommunityFactory, GroupFactory, OrganizationFactory, UserFactory, make_member
from tests.meetings.factories import MeetingFactory, RegistrationFactory


def _future(days=10, hour=9):
    return (timezone.now() + timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)


def _fields(**overrides):
    start = _future()
    fields = {
        "title": "Steering committee",
        "kind": Meeting.Kind.STEERING_COMMITTEE,
        "format": Meeting.Format.HYBRID,
        "start": start,
        "end": start + timedelta(hours=2),
        "time_zone": "Europe/Rome",
        "venue": "Palazzo",
        "city": "Trento",
        "country": "IT",
        "online_url": "https://meet.example.org/sc",
        "visibility": Meeting.Visibility.MEMBERS,
        "registration_policy": Meeting.RegistrationPolicy.OPEN,
    }
    fields.update(overrides)
    return fields


class _Notified:
    """The notification tasks the services wrote to the outbox (members.outbox) since the last clear()."""

    names = {"meetings.notify_registration": "reg", "meetings.notify_meeting_cancelled": "cancel"}

    def __init__(self):
        self.after = 0

    def _calls(self) -> list[tuple]:
        rows = OutboxMessage.objects.filter(task_name__in=self.names, pk__gt=self.after).order_by("pk")
        return [(self.names[row.task_name], *row.args) for row in rows]

    def clear(self) -> None:
        self.after = OutboxMessage.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    def __eq__(self, other):
        return self._calls() == other

    def __repr__(self):
        return repr(self._calls())


@pytest.fixture
def notified():
    """Read the notification tasks enqueued in the outbox (they run on commit, eagerly, in tests)."""
    return _Notified()


# ---------------------------------------------------------------- scheduling and bad input


def test_schedule_stores_utc_with_the_meetings_zone_and_themes(community, coordinator):
    start = datetime(2030, 1, 15, 10, 0, tzinfo=timezone.get_fixed_timezone(60))
    meeting = services.meeting_schedule(
        community=community,
        by=coordinator,
        themes=["local development", "basic services"],
        **_fields(start=start, end=start + timedelta(hours=1)),
    )
    meeting.refresh_from_db()
    assert meeting.start == datetime(2030, 1, 15, 9, 0, tzinfo=UTC)
    assert meeting.time_zone == "Europe/Rome"
    assert meeting.local_start.hour == 10
    assert sorted(meeting.themes.names()) == ["basic services", "local development"]
    assert meeting.sequence == 0
    assert meeting.uid.endswith("@cop-portal")
    assert meeting.created_by == coordinator


@pytest.mark.parametrize(
    "overrides,field,code",
    [
        ({"end": _future() - timedelta(hours=1)}, "end", "end_before_start"),
        ({"registration_deadline": _future() + timedelta(days=1)}, "registration_deadline", "deadline_after_start"),
        ({"time_zone": "Mars/Olympus_Mons"}, "time_zone", "unknown_time_zone"),
    ],
)
def test_bad_input_is_refused_with_a_field_error_and_nothing_is_saved(community, coordinator, overrides, field, code):
    with pytest.raises(ValidationError) as caught:
        services.meeting_schedule(community=community, by=coordinator, **_fields(**overrides))
    assert field in caught.value.error_dict
    assert caught.value.error_dict[field][0].code == code
    assert not Meeting.objects.exists()


def test_capacity_below_current_registrations_is_refused_and_nothing_changes(community, coordinator):
    meeting = MeetingFactory(community=community, capacity=5)
    RegistrationFactory.create_batch(3, meeting=meeting)
    with pytest.raises(ValidationError) as caught:
        services.meeting_update(meeting=meeting, by=coordinator, capacity=2, title="Changed")
    assert caught.value.error_dict["capacity"][0].code == "capacity_below_registrations"
    assert "3 people are already registered" in caught.value.error_dict["capacity"][0].messages[0]
    meeting.refresh_from_db()
    assert (meeting.capacity, meeting.title) == (5, meeting.title)
    assert meeting.title != "Changed"


def test_a_group_of_another_community_is_refused(community, coordinator):
    foreign = GroupFactory(community=CommunityFactory())
    with pytest.raises(ValidationError) as caught:
        services.meeting_schedule(community=community, by=coordinator, **_fields(group=foreign))
    assert "group" in caught.value.error_dict


# ---------------------------------------------------------------- update, duplicate, cancel


def test_update_bumps_sequence_for_time_place_and_status_but_not_for_a_typo(community, coordinator):
    meeting = MeetingFactory(community=community, format=Meeting.Format.HYBRID, city="Trento")
    meeting = services.meeting_update(meeting=meeting, by=coordinator, description="Fixed a typo", title="New title")
    assert meeting.sequence == 0
    meeting = services.meeting_update(
        meeting=meeting, by=coordinator, start=meeting.start + timedelta(hours=1), end=meeting.end + timedelta(hours=1)
    )
    assert meeting.sequence == 1
    meeting = services.meeting_update(meeting=meeting, by=coordinator, city="Tripoli")
    assert meeting.sequence == 2
    meeting = services.meeting_update(meeting=meeting, by=coordinator, online_url="https://meet.example.org/new")
    assert meeting.sequence == 3


def test_duplicate_copies_details_themes_and_agenda_but_not_registrations(community, coordinator):
    meeting = MeetingFactory(community=community, capacity=20)
    meeting.themes.set(["energy"])
    services.agenda_item_add(meeting=meeting, by=coordinator, title="Welcome", starts_at=meeting.start)
    RegistrationFactory(meeting=meeting)
    new_start = meeting.start + timedelta(days=30)
    copy = services.meeting_duplicate(meeting=meeting, by=coordinator, start=new_start)
    assert copy.pk != meeting.pk and copy.uid != meeting.uid
    assert copy.start == new_start and copy.end - copy.start == meeting.end - meeting.start
    assert copy.capacity == 20 and list(copy.themes.names()) == ["energy"]
    assert [(i.title, i.starts_at) for i in copy.agenda_items.all()] == [("Welcome", new_start)]
    assert not copy.registrations.exists()


def test_cancel_is_idempotent_bumps_sequence_once_and_notifies_once(
    community, coordinator, notified, django_capture_on_commit_callbacks
):
    meeting = MeetingFactory(community=community)
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_cancel(meeting=meeting, by=coordinator)
        services.meeting_cancel(meeting=meeting, by=coordinator)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CANCELLED
    assert meeting.sequence == 1
    assert notified == [("cancel", meeting.pk)]


# ---------------------------------------------------------------- series


def _monthly_rule(**overrides):
    values = {
        "frequency": Frequency.MONTHLY,
        "ordinal": 1,
        "weekday": 1,  # Tuesday
        "start_time": time(11, 0),
        "duration_minutes": 90,
        "time_zone": "Europe/Rome",
        "starts_on": date(2031, 1, 1),
        "until": date(2031, 6, 30),
    }
    values.update(overrides)
    return SeriesRule(**values)


def test_series_every_first_tuesday_at_11_rome_keeps_11_across_daylight_saving(community, coordinator):
    series = services.series_create(
        community=community,
        by=coordinator,
        rule=_monthly_rule(),
        title="Virtual partnership meeting",
        kind=Meeting.Kind.INFORMAL,
        format=Meeting.Format.ONLINE,
        visibility=Meeting.Visibility.MEMBERS,
        registration_policy=Meeting.RegistrationPolicy.NONE,
    )
    meetings = list(series.meetings.order_by("start"))
    assert [m.local_start.date() for m in meetings] == [
        date(2031, 1, 7),
        date(2031, 2, 4),
        date(2031, 3, 4),
        date(2031, 4, 1),
        date(2031, 5, 6),
        date(2031, 6, 3),
    ]
    assert {m.local_start.time() for m in meetings} == {time(11, 0)}
    # In UTC the time moves with daylight saving: 10:00 in winter, 09:00 in summer.
    assert meetings[0].start.astimezone(UTC).hour == 10
    assert meetings[3].start.astimezone(UTC).hour == 9
    assert all(m.end - m.start == timedelta(minutes=90) for m in meetings)
    assert series.rrule == "FREQ=MONTHLY;BYDAY=+1TU;UNTIL=20310630T235959"
    assert len({m.uid for m in meetings}) == 6


def test_series_with_an_unknown_zone_or_too_many_occurrences_saves_nothing(community, coordinator):
    fields = {"title": "Weekly", "kind": Meeting.Kind.INFORMAL}
    with pytest.raises(ValidationError) as caught:
        services.series_create(
            community=community, by=coordinator, rule=_monthly_rule(time_zone="Nowhere/City"), **fields
        )
    assert "time_zone" in caught.value.error_dict
    with pytest.raises(ValidationError) as caught:
        services.series_create(
            community=community,
            by=coordinator,
            rule=_monthly_rule(frequency=Frequency.WEEKLY, ordinal=None, until=date(2035, 1, 1)),
            **fields,
        )
    assert "until" in caught.value.error_dict
    assert not Meeting.objects.exists()


def test_an_occurrence_moves_or_cancels_alone_and_the_rest_can_be_cancelled_at_once(community, coordinator, notified):
    series = services.series_create(
        community=community, by=coordinator, rule=_monthly_rule(), title="Monthly", kind=Meeting.Kind.INFORMAL
    )
    first, second, third, *rest = series.meetings.order_by("start")
    moved = services.meeting_update(
        meeting=first, by=coordinator, start=first.start + timedelta(days=1), end=first.end + timedelta(days=1)
    )
    assert moved.sequence == 1 and moved.series_id == series.pk
    services.meeting_cancel(meeting=second, by=coordinator)
    assert Meeting.objects.filter(series=series, status=Meeting.Status.CANCELLED).count() == 1
    count = services.series_cancel_following(meeting=third, by=coordinator)
    assert count == 4
    statuses = list(series.meetings.order_by("start").values_list("status", flat=True))
    assert statuses == ["scheduled", "cancelled", "cancelled", "cancelled", "cancelled", "cancelled"]


# ---------------------------------------------------------------- agenda


def test_agenda_items_are_appended_and_reorderable(community, coordinator):
    meeting = MeetingFactory(community=community)
    a = services.agenda_item_add(meeting=meeting, by=coordinator, title="Welcome")
    b = services.agenda_item_add(meeting=meeting, by=coordinator, title="Pilot projects", speaker="Amal")
    c = services.agenda_item_add(meeting=meeting, by=coordinator, title="Next steps")
    titles = lambda: list(AgendaItem.objects.filter(meeting=meeting).values_list("title", flat=True))  # noqa: E731
    assert titles() == ["Welcome", "Pilot projects", "Next steps"]
    services.agenda_reorder(meeting=meeting, by=coordinator, item_ids=[c.pk, a.pk, b.pk])
    assert titles() == ["Next steps", "Welcome", "Pilot projects"]
    services.agenda_item_move(item=b, by=coordinator, offset=-1)
    assert titles() == ["Next steps", "Pilot projects", "Welcome"]
    services.agenda_item_move(item=c, by=coordinator, offset=-1)  # already first: nothing moves
    assert titles() == ["Next steps", "Pilot projects", "Welcome"]


# ---------------------------------------------------------------- registration


def test_open_registration_gives_a_seat_and_a_double_submit_changes_nothing(
    community, member, notified, django_capture_on_commit_callbacks
):
    meeting = MeetingFactory(community=community)
    with django_capture_on_commit_callbacks(execute=True):
        first = services.registration_create(meeting=meeting, user=member)
        second = services.registration_create(meeting=meeting, user=member)
    assert first.pk == second.pk and first.status == Registration.Status.REGISTERED
    assert Registration.objects.count() == 1
    assert notified == [("reg", first.pk, "registered")]


def test_a_full_meeting_puts_people_on_the_waitlist_in_order(community):
    meeting = MeetingFactory(community=community, capacity=1)
    people = [make_member(community) for _ in range(3)]
    results = [services.registration_create(meeting=meeting, user=p) for p in people]
    assert [r.status for r in results] == ["registered", "waitlisted", "waitlisted"]
    assert [r.position for r in results] == [None, 1, 2]


def test_approval_policy_makes_registrations_pending(community, member):
    meeting = MeetingFactory(community=community, registration_policy=Meeting.RegistrationPolicy.APPROVAL)
    assert services.registration_create(meeting=meeting, user=member).status == Registration.Status.PENDING


@pytest.mark.parametrize(
    "overrides,code",
    [
        ({"registration_policy": Meeting.RegistrationPolicy.NONE}, "no_registration"),
        ({"registration_policy": Meeting.RegistrationPolicy.INVITATION}, "invitation_only"),
        ({"registration_deadline": timezone.now() - timedelta(hours=1)}, "deadline_passed"),
        ({"status": Meeting.Status.CANCELLED}, "cancelled"),
        ({"start": timezone.now() - timedelta(hours=1), "end": timezone.now() + timedelta(hours=1)}, "started"),
    ],
)
def test_registration_is_refused_with_a_clear_reason(community, member, overrides, code):
    meeting = MeetingFactory(community=community, **overrides)
    with pytest.raises(services.RegistrationError) as caught:
        services.registration_create(meeting=meeting, user=member)
    assert caught.value.code == code
    assert caught.value.messages[0]
    assert not Registration.objects.exists()


def test_outsiders_cannot_register_for_a_members_only_meeting(community):
    meeting = MeetingFactory(community=community, visibility=Meeting.Visibility.MEMBERS)
    with pytest.raises(services.RegistrationError):
        services.registration_create(meeting=meeting, user=UserFactory())


def test_cancelling_promotes_the_first_waitlisted_person_and_tells_them(
    community, notified, django_capture_on_commit_callbacks
):
    meeting = MeetingFactory(community=community, capacity=1)
    holder, first, second = (make_member(community) for _ in range(3))
    seat = services.registration_create(meeting=meeting, user=holder)
    w1 = services.registration_create(meeting=meeting, user=first)
    w2 = services.registration_create(meeting=meeting, user=second)
    notified.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(registration=seat, by=holder)
        services.registration_cancel(registration=seat, by=holder)  # a double submit promotes nobody else
    w1.refresh_from_db()
    w2.refresh_from_db()
    assert (w1.status, w1.position) == ("registered", None)
    assert (w2.status, w2.position) == ("waitlisted", 2)
    assert notified == [("reg", w1.pk, "promoted")]


def test_cancelling_a_waitlist_place_promotes_nobody(community):
    meeting = MeetingFactory(community=community, capacity=1)
    holder, waiting, other = (make_member(community) for _ in range(3))
    services.registration_create(meeting=meeting, user=holder)
    w1 = services.registration_create(meeting=meeting, user=waiting)
    w2 = services.registration_create(meeting=meeting, user=other)
    services.registration_cancel(registration=w1)
    w2.refresh_from_db()
    assert w2.status == Registration.Status.WAITLISTED


def test_raising_the_capacity_promotes_waiting_people(community, coordinator):
    meeting = MeetingFactory(community=community, capacity=1)
    people = [make_member(community) for _ in range(3)]
    for person in people:
        services.registration_create(meeting=meeting, user=person)
    services.meeting_update(meeting=meeting, by=coordinator, capacity=2)
    assert Registration.objects.filter(meeting=meeting, status="registered").count() == 2


def test_registering_again_after_cancelling_reuses_the_row(community, member):
    meeting = MeetingFactory(community=community)
    registration = services.registration_create(meeting=meeting, user=member)
    services.registration_cancel(registration=registration)
    again = services.registration_create(meeting=meeting, user=member)
    assert again.pk == registration.pk and again.status == Registration.Status.REGISTERED


def test_approve_and_decline_decide_pending_registrations(
    community, coordinator, notified, django_capture_on_commit_callbacks
):
    meeting = MeetingFactory(community=community, capacity=1, registration_policy=Meeting.RegistrationPolicy.APPROVAL)
    a, b, c = (services.registration_create(meeting=meeting, user=make_member(community)) for _ in range(3))
    notified.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_approve(registration=a, by=coordinator)
        services.registration_approve(registration=a, by=coordinator)
        services.registration_approve(registration=b, by=coordinator)  # full: approved onto the waitlist
        services.registration_decline(registration=c, by=coordinator)
    for r in (a, b, c):
        r.refresh_from_db()
    assert (a.status, b.status, c.status) == ("registered", "waitlisted", "declined")
    assert a.decided_by == coordinator
    assert notified == [("reg", a.pk, "approved"), ("reg", b.pk, "waitlisted"), ("reg", c.pk, "declined")]
    with pytest.raises(services.RegistrationError) as caught:
        services.registration_create(meeting=meeting, user=c.user)
    assert caught.value.code == "declined"


def test_organisers_register_invited_people_on_invitation_only_meetings(community, coordinator, member):
    meeting = MeetingFactory(community=community, registration_policy=Meeting.RegistrationPolicy.INVITATION)
    registration = services.registration_invite(meeting=meeting, user=member, by=coordinator)
    assert registration.status == Registration.Status.REGISTERED
    with pytest.raises(ValidationError):
        services.registration_invite(
            meeting=MeetingFactory(community=community, visibility=Meeting.Visibility.MEMBERS),
            user=UserFactory(),
            by=coordinator,
        )


# ---------------------------------------------------------------- attendance and closing


def _past_meeting(community, **kwargs):
    start = timezone.now() - timedelta(days=1)
    return MeetingFactory(community=community, start=start, end=start + timedelta(hours=2), **kwargs)


def test_attendance_is_marked_among_registered_people_and_walk_ins_are_added(community, coordinator):
    meeting = _past_meeting(community)
    city = OrganizationFactory(name="Municipality of Misrata", country="LY")
    came = RegistrationFactory(meeting=meeting, user=UserFactory(organization=city))
    absent = RegistrationFactory(meeting=meeting)
    count = services.attendance_mark(meeting=meeting, by=coordinator, attended_ids=[came.pk])
    assert count == 1
    walk_in = services.walk_in_add(meeting=meeting, by=coordinator, name="Walk In", organization=city, country="LY")
    assert walk_in.walk_in and walk_in.attended and walk_in.user is None
    # A registered person arriving at the desk is marked present, not added twice.
    again = services.walk_in_add(meeting=meeting, by=coordinator, name="", email=absent.user.email)
    assert again.pk == absent.pk and again.attended
    from meetings.selectors import attendance_by_organisation, registrations_for_organisers

    rows = list(registrations_for_organisers(meeting=meeting))
    assert attendance_by_organisation(rows)[0] == ("Municipality of Misrata", 2)


def test_attendance_of_a_future_meeting_is_refused(community, coordinator):
    meeting = MeetingFactory(community=community)
    with pytest.raises(ValidationError):
        services.attendance_mark(meeting=meeting, by=coordinator, attended_ids=[])


def test_closing_records_minutes_decisions_and_action_items_and_marks_it_held(community, coordinator, member):
    meeting = _past_meeting(community)
    services.meeting_close(
        meeting=meeting,
        by=coordinator,
        minutes="We met.",
        decisions="Adopt the plan\nMeet again in June",
        action_items=[
            services.ActionItemData(description="Send the report", owner=member, due_date=date(2031, 1, 31)),
            services.ActionItemData(description="Book the room", owner_name="Partner in Sfax"),
        ],
    )
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.HELD and meeting.closed_at
    assert meeting.sequence == 0  # held is still CONFIRMED for calendars
    assert MeetingOutcome.objects.get(meeting=meeting).decision_list() == ["Adopt the plan", "Meet again in June"]
    assert [(a.description, a.owner_label) for a in ActionItem.objects.filter(meeting=meeting)] == [
        ("Send the report", member.get_full_name()),
        ("Book the room", "Partner in Sfax"),
    ]
    # Closing again replaces the action items rather than adding more.
    services.meeting_close(meeting=meeting, by=coordinator, minutes="We met.", action_items=[])
    assert not ActionItem.objects.filter(meeting=meeting).exists()


def test_co_organisers_get_a_single_meeting_grant(community, coordinator, member):
    meeting = MeetingFactory(community=community)
    other = MeetingFactory(community=community)
    services.meeting_add_coorganiser(meeting=meeting, user=member, by=coordinator)
    assert list(Meeting.objects.manageable_by(member)) == [meeting]
    services.meeting_remove_coorganiser(meeting=meeting, user=member, by=coordinator)
    assert not Meeting.objects.manageable_by(member).exists()
    assert other  # untouched
    with pytest.raises(ValidationError):
        services.meeting_add_coorganiser(meeting=meeting, user=UserFactory(), by=coordinator)


def test_start_times_are_timezone_aware(community):
    meeting = MeetingFactory(community=community)
    assert timezone.is_aware(meeting.start)
    assert datetime.now(UTC) < meeting.start


def test_an_unknown_audience_is_refused(community, coordinator):
    with pytest.raises(ValidationError) as caught:
        services.meeting_schedule(community=community, by=coordinator, **_fields(audience=["aliens"]))
    assert caught.value.error_dict["audience"][0].code == "unknown_audience"
