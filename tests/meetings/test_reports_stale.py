"""Issue 16's services mark the community's precomputed reports stale (communities.reporting), after commit."""

from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from communities.reporting import changed_key, reports_changed_at
from meetings import services
from meetings.models import ActionItem, Application, Meeting, MeetingOutcome, Registration
from meetings.services import bulk
from tests.factories import UserFactory, make_member
from tests.meetings.factories import MeetingFactory
from tests.meetings.test_applications import answers_for, applicant, scores

S = Registration.Status


@pytest.fixture
def stale(community, django_capture_on_commit_callbacks):
    """Run a service as a request would (committed) and tell whether it marked the reports stale."""

    def run(function, **kwargs):
        cache.delete(changed_key(community.pk))
        with django_capture_on_commit_callbacks(execute=True):
            result = function(**kwargs)
        assert reports_changed_at(community.pk) is not None, function.__name__
        return result

    return run


@pytest.fixture
def school(community, coordinator):
    meeting = MeetingFactory(
        community=community,
        capacity=1,
        visibility=Meeting.Visibility.MEMBERS,
        registration_policy=Meeting.RegistrationPolicy.APPLICATIONS,
        start=timezone.now() + timedelta(days=60),
        end=timezone.now() + timedelta(days=61),
    )
    services.question_add(meeting=meeting, by=coordinator, fields={"kind": "short_text", "label": "Motivation"})
    services.criterion_add(meeting=meeting, by=coordinator, name="Motivation", weight=1, scale_max=5)
    services.criterion_add(meeting=meeting, by=coordinator, name="Experience", weight=1, scale_max=5)
    services.application_setup_update(meeting=meeting, by=coordinator, confirm_within_days=3, disagreement_threshold=25)
    return meeting


def test_every_application_step_marks_the_reports_stale(community, coordinator, school, stale):
    first, second = applicant(community, "First", "IT"), applicant(community, "Second", "LY")
    mine = stale(services.application_submit, meeting=school, user=first, answers=answers_for(school))
    other = stale(services.application_submit, meeting=school, user=second, answers=answers_for(school))
    stale(services.application_answers_update, registration=mine, by=first, answers=answers_for(school, "Better."))
    stale(services.review_submit, registration=mine, reviewer=coordinator, scores=scores(school, 5, 5))
    stale(services.selection_apply, meeting=school, by=coordinator, mode="top", top=1, rest="waitlist")
    assert Registration.objects.get(pk=mine.pk).status == S.REGISTERED
    stale(services.application_confirm, registration=mine, by=first)
    stale(services.application_withdraw, registration=mine, by=first)  # the seat goes to the second
    assert Registration.objects.get(pk=other.pk).status == S.REGISTERED
    Application.objects.filter(registration=other).update(confirm_by=timezone.now() - timedelta(minutes=1))
    assert stale(services.applications_release_unconfirmed) == 1


def test_answers_series_and_bulk_mark_the_reports_stale(community, coordinator, group, member, stale):
    meeting = MeetingFactory(community=community, start=timezone.now() + timedelta(days=5))
    question = services.question_add(meeting=meeting, by=coordinator, fields={"kind": "short_text", "label": "Diet"})
    registration = services.registration_create(meeting=meeting, user=member)
    stale(
        services.registration_answers_update,
        registration=registration,
        by=member,
        answers={question.field_name: "Vegan"},
    )

    from meetings.recurrence import Frequency, SeriesRule

    soon = timezone.localdate() + timedelta(days=3)
    rule = SeriesRule(
        frequency=Frequency.WEEKLY,
        weekday=soon.weekday(),
        start_time=timezone.datetime.min.time().replace(hour=10),
        duration_minutes=60,
        time_zone="Europe/Rome",
        starts_on=soon,
        until=soon + timedelta(days=7),
    )
    series = services.series_create(community=community, by=None, rule=rule, title="Peer exchange")
    stale(services.series_follow, series=series, user=member)
    stale(services.series_leave, series=series, user=member)

    joiner = make_member(community, UserFactory())
    make_member(community, joiner, group=group)
    other = MeetingFactory(community=community, start=timezone.now() + timedelta(days=9))
    result = stale(
        bulk.bulk_apply,
        meeting=other,
        by=coordinator,
        mode=bulk.REGISTER,
        criteria=bulk.Criteria(group_ids=(group.pk,)),
        user_ids=[joiner.pk],
    )
    assert [r.user_id for r in result.registered] == [joiner.pk]


def test_follow_up_and_certificates_mark_the_reports_stale(community, coordinator, member, stale):
    # At 07:00 UTC, so the three hours stay within one local day whatever the time the test runs
    # (a meeting over midnight spans two days: its certificate hours must be given by the organisers).
    start = (timezone.now() - timedelta(days=2)).replace(hour=7, minute=0, second=0, microsecond=0)
    meeting = MeetingFactory(
        community=community, kind=Meeting.Kind.TRAINING_OF_TRAINERS, start=start, end=start + timedelta(hours=3)
    )
    registration = Registration.objects.create(meeting=meeting, user=member, attended=True)
    outcome = MeetingOutcome.objects.create(meeting=meeting, minutes="We met.", written_by=coordinator)

    def publish():
        with transaction.atomic():
            return services.minutes_publish(outcome=outcome, by=coordinator, mail_to="participants")

    stale(publish)
    data = services.ActionItemData(description="Write the report", owner=member, due_date=date(2031, 1, 31))

    def sync():
        with transaction.atomic():
            return services.action_items_sync(meeting=meeting, by=coordinator, items=[data])

    (item,) = stale(sync)
    stale(services.action_item_set_status, item=item, by=member, status=ActionItem.Status.DONE)
    stale(services.certificate_issue, registration=registration, by=coordinator)
    assert len(stale(services.certificates_issue_all, meeting=meeting, by=coordinator)) == 1
