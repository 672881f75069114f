"""Applications to a hybrid meeting: the attendance mode answered counts against that mode's seats."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from meetings import services
from meetings.models import Meeting, Question, Registration
from tests.meetings.factories import MeetingFactory
from tests.meetings.test_applications import applicant

S = Registration.Status
IN, ON = "in_person", "online"


@pytest.fixture
def conference(community, coordinator):
    """A hybrid conference taking applications: one seat in the room, two online."""
    meeting = MeetingFactory(
        community=community,
        title="Great European Conference",
        format=Meeting.Format.HYBRID,
        capacity=1,
        online_capacity=2,
        visibility=Meeting.Visibility.MEMBERS,
        registration_policy=Meeting.RegistrationPolicy.APPLICATIONS,
        start=timezone.now() + timedelta(days=60),
        end=timezone.now() + timedelta(days=61),
    )
    services.question_builtin_switch(meeting=meeting, by=coordinator, builtin="attendance_mode", on=True)
    services.criterion_add(meeting=meeting, by=coordinator, name="Motivation", weight=1, scale_max=5)
    return meeting


def _mode_field(meeting):
    return Question.objects.get(meeting=meeting, builtin="attendance_mode").field_name


def _apply(meeting, coordinator, person, mode, score):
    registration = services.application_submit(meeting=meeting, user=person, answers={_mode_field(meeting): mode})
    criterion = meeting.criteria.get()
    services.review_submit(registration=registration, reviewer=coordinator, scores={criterion.pk: score})
    return registration


def _state(registration):
    registration.refresh_from_db()
    return registration.status, registration.attendance_mode, registration.position


def test_accepting_counts_each_mode_against_its_own_seats_with_a_waitlist_per_mode(
    community, coordinator, conference, django_capture_on_commit_callbacks
):
    people = [applicant(community, name, "IT") for name in ("Anna", "Bruno", "Carla", "Dario", "Elena")]
    modes_scores = [(IN, 5), (IN, 4), (ON, 3), (ON, 2), (ON, 1)]
    anna, bruno, carla, dario, elena = [
        _apply(conference, coordinator, person, mode, score)
        for person, (mode, score) in zip(people, modes_scores, strict=True)
    ]
    assert anna.attendance_mode == IN and carla.attendance_mode == ON

    plan = services.plan_selection(meeting=conference, mode="top", top=5, rest="waitlist")
    reasons = {o.candidate.registration.pk: (o.outcome, o.reason) for o in plan.outcomes}
    assert reasons[bruno.pk] == ("waitlist", "no seat left in the room")
    assert reasons[elena.pk] == ("waitlist", "no online seat left")
    with django_capture_on_commit_callbacks(execute=True):
        services.selection_apply(meeting=conference, by=coordinator, digest=plan.digest, mode="top", top=5)
    # The room's one seat went to the best in-person applicant; the two online seats to the online ones.
    assert _state(anna) == (S.REGISTERED, IN, None)
    assert _state(carla)[0] == _state(dario)[0] == S.REGISTERED
    # Each mode's waitlist starts at 1.
    assert _state(bruno) == (S.WAITLISTED, IN, 1)
    assert _state(elena) == (S.WAITLISTED, ON, 1)

    # An in-person seat freed goes to the next in-person applicant, an online one to the next online one.
    services.application_withdraw(registration=anna, by=people[0])
    assert _state(bruno)[0] == S.REGISTERED and _state(elena)[0] == S.WAITLISTED
    services.application_withdraw(registration=carla, by=people[2])
    assert _state(elena)[0] == S.REGISTERED


def test_an_accepted_applicant_changes_mode_only_when_the_other_mode_has_a_seat(community, coordinator, conference):
    inside = applicant(community, "Inside", "IT")
    online = applicant(community, "Online", "IT")
    waiting = applicant(community, "Waiting", "IT")
    first = _apply(conference, coordinator, inside, IN, 5)
    second = _apply(conference, coordinator, online, ON, 4)
    third = _apply(conference, coordinator, waiting, IN, 3)
    services.selection_apply(meeting=conference, by=coordinator, mode="top", top=3, rest="waitlist")
    assert [_state(r)[0] for r in (first, second, third)] == [S.REGISTERED, S.REGISTERED, S.WAITLISTED]

    with pytest.raises(ValidationError) as error:  # the room is full: the online seat is kept
        services.application_answers_update(registration=second, by=online, answers={_mode_field(conference): IN})
    assert "No seat in the room is free" in str(error.value)
    assert _state(second) == (S.REGISTERED, ON, None)

    # Moving online frees the room's seat for the in-person applicant waiting.
    services.application_answers_update(registration=first, by=inside, answers={_mode_field(conference): ON})
    assert _state(first) == (S.REGISTERED, ON, None)
    assert _state(third)[0] == S.REGISTERED
