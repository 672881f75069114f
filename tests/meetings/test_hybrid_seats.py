"""Hybrid seat counts: in-person and online seats each with their own waitlist; promotion per mode,
also under concurrent cancellations on PostgreSQL (real threads, one connection each)."""

import pytest
from django.db import connection
from django.urls import reverse

from meetings import services
from meetings.models import Meeting, Question, Registration
from tests.conftest import require_service
from tests.factories import CommunityFactory
from tests.meetings.factories import MeetingFactory
from tests.meetings.test_concurrency import _members, _run_together, promotions, slow_seat_count  # noqa: F401

IN, ON = "in_person", "online"


def _hybrid(community, *, capacity=2, online_capacity=1):
    meeting = MeetingFactory(
        community=community, format=Meeting.Format.HYBRID, capacity=capacity, online_capacity=online_capacity
    )
    services.question_builtin_switch(meeting=meeting, by=None, builtin="attendance_mode", on=True)
    return meeting


def _mode_field(meeting):
    return Question.objects.get(meeting=meeting, builtin="attendance_mode").field_name


def _register(meeting, person, mode):
    return services.registration_create(meeting=meeting, user=person, answers={_mode_field(meeting): mode})


@pytest.mark.django_db
def test_the_in_person_waitlist_fills_while_online_seats_remain():
    community = CommunityFactory()
    meeting = _hybrid(community, capacity=2, online_capacity=3)
    a, b, c, d, e = _members(community, 5)
    assert [_register(meeting, p, IN).status for p in (a, b, c, d)] == [
        "registered",
        "registered",
        "waitlisted",
        "waitlisted",
    ]
    online = _register(meeting, e, ON)
    assert online.status == "registered"  # the room is full, the online seats are not
    waiting = Registration.objects.filter(meeting=meeting, status="waitlisted").order_by("position")
    assert [(r.user_id, r.attendance_mode, r.position) for r in waiting] == [(c.pk, IN, 1), (d.pk, IN, 2)]


@pytest.mark.django_db
def test_a_cancellation_promotes_the_first_waiting_for_the_same_mode():
    community = CommunityFactory()
    meeting = _hybrid(community, capacity=1, online_capacity=1)
    room, screen, wait_room, wait_screen = _members(community, 4)
    seat_room = _register(meeting, room, IN)
    seat_screen = _register(meeting, screen, ON)
    _register(meeting, wait_room, IN)
    _register(meeting, wait_screen, ON)

    services.registration_cancel(registration=seat_screen, by=screen)
    statuses = dict(Registration.objects.filter(meeting=meeting).values_list("user_id", "status"))
    assert statuses[wait_screen.pk] == "registered" and statuses[wait_room.pk] == "waitlisted"

    services.registration_cancel(registration=seat_room, by=room)
    assert Registration.objects.get(user=wait_room, meeting=meeting).status == "registered"


@pytest.mark.django_db
def test_a_mandatory_mode_and_a_full_mode_refuse_clearly(client):
    community = CommunityFactory()
    meeting = _hybrid(community, capacity=1, online_capacity=1)
    a, b = _members(community, 2)
    client.force_login(a)
    url = reverse("meetings:register", kwargs={"community_slug": community.slug, "meeting_pk": meeting.pk})
    response = client.post(url, {})
    assert "This question needs an answer." in response.content.decode()
    assert client.post(url, {_mode_field(meeting): ON}).status_code == 302
    registration = Registration.objects.get(user=a)
    assert (registration.attendance_mode, registration.status) == (ON, "registered")
    _register(meeting, b, IN)
    # Moving online -> in person while the room is full keeps the online seat, with a clear message.
    client.force_login(a)
    answers_url = reverse("meetings:my_answers", kwargs={"community_slug": community.slug, "meeting_pk": meeting.pk})
    response = client.post(answers_url, {_mode_field(meeting): IN})
    assert "No seat in the room is free: you keep your current seat." in response.content.decode()
    registration.refresh_from_db()
    assert (registration.attendance_mode, registration.status) == (ON, "registered")


@pytest.mark.django_db
def test_moving_to_the_other_mode_frees_the_seat_for_the_next_person_waiting():
    community = CommunityFactory()
    meeting = _hybrid(community, capacity=1, online_capacity=2)
    mover, waiting = _members(community, 2)
    seat = _register(meeting, mover, IN)
    _register(meeting, waiting, IN)
    services.registration_answers_update(registration=seat, by=mover, answers={_mode_field(meeting): ON})
    assert Registration.objects.get(user=mover).attendance_mode == ON
    assert Registration.objects.get(user=waiting).status == "registered"


@pytest.mark.django_db
def test_seats_are_one_pool_when_the_mode_is_not_asked():
    community = CommunityFactory()
    meeting = MeetingFactory(community=community, format=Meeting.Format.HYBRID, capacity=1, online_capacity=5)
    a, b = _members(community, 2)
    assert services.registration_create(meeting=meeting, user=a).status == "registered"
    assert services.registration_create(meeting=meeting, user=b).status == "waitlisted"


@pytest.mark.django_db
def test_the_meeting_page_shows_seats_left_per_mode(client):
    community = CommunityFactory()
    meeting = _hybrid(community, capacity=2, online_capacity=1)
    (a,) = _members(community, 1)
    _register(meeting, a, ON)
    client.force_login(a)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "2 seats left of 2" in page and "0 seats left of 1" in page


@pytest.mark.django_db
def test_the_meeting_page_tells_the_place_in_the_person_s_own_mode_waitlist(client):
    community = CommunityFactory()
    meeting = _hybrid(community, capacity=1, online_capacity=1)
    a, b, c, d = _members(community, 4)
    _register(meeting, a, IN)
    _register(meeting, b, IN)  # first waiting for the room
    _register(meeting, c, ON)
    assert _register(meeting, d, ON).status == "waitlisted"  # first waiting online
    client.force_login(d)
    assert "You are on the waitlist (position 1)." in client.get(meeting.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_capacities_cannot_fall_below_the_seats_taken_per_mode():
    community = CommunityFactory()
    meeting = _hybrid(community, capacity=3, online_capacity=2)
    a, b = _members(community, 2)
    _register(meeting, a, ON)
    _register(meeting, b, ON)
    with pytest.raises(Exception) as error:
        services.meeting_update(meeting=meeting, by=None, online_capacity=1)
    assert "online_capacity" in error.value.message_dict
    services.meeting_update(meeting=meeting, by=None, capacity=1)  # the room holds nobody yet


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("mode", [IN, ON])
def test_concurrent_cancellations_promote_two_different_people_of_that_mode(slow_seat_count, promotions, mode):  # noqa: F811
    require_service(connection.vendor == "postgresql", "PostgreSQL (row locks)")
    community = CommunityFactory()
    meeting = _hybrid(community, capacity=2, online_capacity=2)
    other = ON if mode == IN else IN
    holders = _members(community, 2)
    waiting = _members(community, 3)
    others = _members(community, 3)
    seats = [_register(meeting, person, mode) for person in holders]
    for person in waiting:
        _register(meeting, person, mode)
    for person in others:
        _register(meeting, person, other)  # two hold the other mode's seats, one waits for them

    _run_together(
        lambda: services.registration_cancel(registration=seats[0], by=holders[0]),
        lambda: services.registration_cancel(registration=seats[1], by=holders[1]),
    )

    by_user = dict(Registration.objects.filter(meeting=meeting).values_list("user_id", "status"))
    assert [by_user[p.pk] for p in waiting] == ["registered", "registered", "waitlisted"]
    assert [by_user[p.pk] for p in others] == ["registered", "registered", "waitlisted"]
    assert Registration.objects.filter(meeting=meeting, attendance_mode=mode, status="registered").count() == 2
    promoted = sorted(pk for pk, event in promotions if event == "promoted")
    assert promoted == sorted(Registration.objects.filter(user__in=waiting[:2]).values_list("pk", flat=True))
