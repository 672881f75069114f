"""Duplicating a meeting copies its registration form and application settings, never people or answers."""

from datetime import timedelta

from django.utils import timezone

from meetings import services
from meetings.models import Answer, Application, ApplicationReview, Meeting, Question, Registration
from tests.factories import UserFactory, make_member
from tests.meetings.factories import MeetingFactory


def _form(meeting):
    return [
        (q.builtin, q.kind, q.label, q.help_text, q.required, q.choices, q.translations, q.enabled)
        for q in meeting.questions.order_by("position", "pk")
    ]


def test_a_duplicate_keeps_the_questions_and_built_in_switches_but_no_answers(community, coordinator, member):
    meeting = MeetingFactory(
        community=community,
        format=Meeting.Format.HYBRID,
        capacity=10,
        online_capacity=50,
        start=timezone.now() + timedelta(days=20),
        end=timezone.now() + timedelta(days=20, hours=3),
    )
    services.question_add(
        meeting=meeting,
        by=coordinator,
        fields={
            "kind": "choice",
            "label": "Workshop",
            "required": True,
            "help_text": "Pick one",
            "choices": "Energy\nWater",
        },
    )
    services.question_builtin_switch(meeting=meeting, by=coordinator, builtin="attendance_mode", on=True)
    services.question_builtin_switch(meeting=meeting, by=coordinator, builtin="dietary", on=True)
    services.question_builtin_switch(meeting=meeting, by=coordinator, builtin="dietary", on=False)  # kept, off
    questions = {q.builtin or q.label: q for q in meeting.questions.all()}
    services.registration_create(
        meeting=meeting,
        user=member,
        answers={questions["Workshop"].field_name: "energy", questions["attendance_mode"].field_name: "online"},
    )
    assert Answer.objects.filter(registration__meeting=meeting).count() == 1  # the mode is on the registration

    copy = services.meeting_duplicate(meeting=meeting, by=coordinator, start=meeting.start + timedelta(days=28))
    assert _form(copy) == _form(meeting) and len(_form(copy)) == 3
    assert set(copy.questions.values_list("pk", flat=True)).isdisjoint(meeting.questions.values_list("pk", flat=True))
    assert [q.builtin for q in copy.questions.filter(enabled=False)] == [Question.BuiltIn.DIETARY]
    assert services.splits_seats(copy)  # the attendance-mode switch came along: seats by mode
    assert not Registration.objects.filter(meeting=copy).exists()
    assert not Answer.objects.filter(question__meeting=copy).exists()


def test_a_duplicate_of_a_meeting_taking_applications_keeps_criteria_quotas_and_settings_but_no_applications(
    community, coordinator
):
    meeting = MeetingFactory(
        community=community,
        capacity=3,
        visibility=Meeting.Visibility.MEMBERS,
        registration_policy=Meeting.RegistrationPolicy.APPLICATIONS,
        start=timezone.now() + timedelta(days=40),
        end=timezone.now() + timedelta(days=42),
    )
    services.question_add(meeting=meeting, by=coordinator, fields={"kind": "long_text", "label": "Motivation"})
    services.criterion_add(meeting=meeting, by=coordinator, name="Motivation", weight=2, scale_max=5)
    services.criterion_add(meeting=meeting, by=coordinator, name="Experience", weight=1, scale_max=10)
    services.quota_set(meeting=meeting, by=coordinator, kind="country", value="LY", limit=1)
    services.application_setup_update(meeting=meeting, by=coordinator, confirm_within_days=5, disagreement_threshold=30)
    person = make_member(community, UserFactory(country="LY"))
    registration = services.application_submit(
        meeting=meeting, user=person, answers={meeting.questions.get().field_name: "I want to learn."}
    )
    criteria = {c.name: c.pk for c in meeting.criteria.all()}
    services.review_submit(
        registration=registration,
        reviewer=coordinator,
        scores={criteria["Motivation"]: 4, criteria["Experience"]: 7},
    )

    copy = services.meeting_duplicate(meeting=meeting, by=coordinator, start=meeting.start + timedelta(days=365))
    assert copy.takes_applications
    assert [(c.name, c.weight, c.scale_max) for c in copy.criteria.order_by("position")] == [
        ("Motivation", 2, 5),
        ("Experience", 1, 10),
    ]
    assert [(q.kind, q.value, q.limit) for q in copy.quotas.all()] == [("country", "LY", 1)]
    setup = copy.application_setup
    assert (setup.confirm_within_days, setup.disagreement_threshold) == (5, 30)
    assert [q.label for q in copy.questions.all()] == ["Motivation"]
    assert not Registration.objects.filter(meeting=copy).exists()
    assert not Application.objects.filter(meeting=copy).exists()
    assert not ApplicationReview.objects.filter(registration__meeting=copy).exists()
    # The original keeps everything.
    assert Application.objects.filter(meeting=meeting).count() == 1 and meeting.criteria.count() == 2
