"""The page of a meeting taking applications, in every state, for the applicant, a reviewer, an organiser
and a visitor: what each sees, in a constant number of queries (at most 12, whatever the applications)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from meetings import services
from meetings.models import Meeting, Registration
from tests.factories import UserFactory, make_member
from tests.meetings.factories import MeetingFactory

CEILING = 12
S = Registration.Status
STATES = ("open", "closed", "applied", "accepted", "confirmed", "waitlisted", "rejected")
# What the applicant reads in the page's application box, state by state.
APPLICANT_SEES = {
    "open": "Apply</a>",
    "closed": "Applications closed on",
    "applied": "Your application is under review.",
    "accepted": "Please confirm your place by",
    "confirmed": "You confirmed your place.",
    "waitlisted": "Your application is on the waitlist.",
    "rejected": "Your application was not selected.",
}


@pytest.fixture
def school(community, coordinator):
    meeting = MeetingFactory(
        community=community,
        title="Summer School",
        kind=Meeting.Kind.SUMMER_SCHOOL,
        format=Meeting.Format.IN_PERSON,
        capacity=1,
        visibility=Meeting.Visibility.PUBLIC,
        registration_policy=Meeting.RegistrationPolicy.APPLICATIONS,
        start=timezone.now() + timedelta(days=60),
        end=timezone.now() + timedelta(days=62),
        registration_deadline=timezone.now() + timedelta(days=30),
        created_by=coordinator,
    )
    services.question_add(meeting=meeting, by=coordinator, fields={"kind": "long_text", "label": "Motivation"})
    services.criterion_add(meeting=meeting, by=coordinator, name="Motivation", weight=1, scale_max=5)
    services.application_setup_update(meeting=meeting, by=coordinator, confirm_within_days=5, disagreement_threshold=25)
    return meeting


def _apply(meeting, person, score, reviewer):
    field = meeting.questions.get().field_name
    registration = services.application_submit(meeting=meeting, user=person, answers={field: "To learn."})
    criterion = meeting.criteria.get()
    services.review_submit(registration=registration, reviewer=reviewer, scores={criterion.pk: score})
    return registration


def _bring(state, meeting, person, coordinator):
    """Put person's application (and the meeting) in state."""
    if state == "open":
        return
    if state == "closed":
        Meeting.objects.filter(pk=meeting.pk).update(registration_deadline=timezone.now() - timedelta(hours=1))
        return
    registration = _apply(meeting, person, 5, coordinator)
    if state == "applied":
        return
    if state in ("accepted", "confirmed"):
        services.selection_apply(meeting=meeting, by=coordinator, mode="selected", selected_ids=[registration.pk])
        if state == "confirmed":
            services.application_confirm(registration=registration, by=person)
        return
    action = {"waitlisted": "waitlist", "rejected": "reject"}[state]
    services.selection_apply(
        meeting=meeting, by=coordinator, mode="selected", selected_ids=[registration.pk], action=action
    )


def _page(client, viewer, meeting):
    client.logout()
    if viewer is not None:
        client.force_login(viewer)
    client.get(meeting.get_absolute_url())  # warm per-process caches, as a running server would be
    with CaptureQueriesContext(connection) as queries:
        response = client.get(meeting.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode(), len(queries)


@pytest.mark.parametrize("state", STATES)
def test_the_page_renders_each_state_for_applicant_reviewer_organiser_and_visitor_in_constant_queries(
    client, community, coordinator, school, state, settings
):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    person = make_member(community, UserFactory(full_name="Amal Applicant"))
    reviewer = make_member(community, UserFactory(full_name="Rita Reviewer"))
    services.reviewer_add(meeting=school, by=coordinator, user=reviewer)
    _bring(state, school, person, coordinator)
    if state == "waitlisted":
        assert Registration.objects.get(meeting=school, user=person).status == S.WAITLISTED
    viewers = {"applicant": person, "reviewer": reviewer, "organiser": coordinator, "visitor": None}

    first = {name: _page(client, viewer, school) for name, viewer in viewers.items()}
    body = {name: page[0] for name, page in first.items()}
    assert APPLICANT_SEES[state] in body["applicant"], body["applicant"][:200]
    for name in ("reviewer", "organiser"):
        assert "Review the applications" in body[name]
    assert "Review the applications" not in body["applicant"] + body["visitor"]
    assert ("Sign in to apply." in body["visitor"]) == (state != "closed")
    assert "Criteria, quotas and reviewers" in body["organiser"]
    assert "Criteria, quotas and reviewers" not in body["reviewer"]
    assert "Amal Applicant" not in body["visitor"]

    # More applications, scored by both reviewers, change nothing in what each page costs.
    for number in range(4):
        if state == "closed":
            break
        other = make_member(community, UserFactory())
        registration = _apply(school, other, number % 5, coordinator)
        criterion = school.criteria.get()
        services.review_submit(registration=registration, reviewer=reviewer, scores={criterion.pk: 3})
    again = {name: _page(client, viewer, school)[1] for name, viewer in viewers.items()}
    counts = {name: page[1] for name, page in first.items()}
    assert again == counts
    assert max(counts.values()) <= CEILING, counts
