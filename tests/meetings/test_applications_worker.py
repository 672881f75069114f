"""A seat not confirmed by its date goes to the next person waiting, exactly once, through real Celery workers.

Two worker processes (tests/processes.py) consume a queue only this test uses, on the PostgreSQL
test database and the Redis of REDIS_URL; the beat task is sent to both at once, as two beats or a
redelivered message would. The SMTP server outside is a directory (tests/notifications/mailbox.py).
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from meetings import services as meetings
from meetings.models import Application, Meeting, Registration
from meetings.tasks import release_unconfirmed_applications
from tests.factories import CommunityFactory, UserFactory, make_member
from tests.meetings.factories import MeetingFactory
from tests.notifications.mailbox import delivered
from tests.notifications.test_worker_delivery import mail_queue, mailbox, start_worker  # noqa: F401 - fixtures
from tests.processes import wait_for, wait_for_result

pytestmark = pytest.mark.celery_worker
S = Registration.Status


def _subjects(box, address):
    return [m["Subject"] for m in delivered(box) if m["To"] == address]


def test_an_unconfirmed_seat_goes_to_the_next_person_waiting_exactly_once(services, mail_queue, mailbox):  # noqa: F811
    community = CommunityFactory()
    coordinator = make_member(community, UserFactory(full_name="Cora"), role="coordinator")
    start = timezone.now() + timedelta(days=30)
    school = MeetingFactory(
        community=community,
        title="Summer School",
        kind=Meeting.Kind.SUMMER_SCHOOL,
        capacity=2,
        registration_policy=Meeting.RegistrationPolicy.APPLICATIONS,
        start=start,
        end=start + timedelta(days=4),
    )
    meetings.criterion_add(meeting=school, by=coordinator, name="Motivation", weight=1, scale_max=5)
    meetings.application_setup_update(meeting=school, by=coordinator, confirm_within_days=3, disagreement_threshold=25)
    criterion = school.criteria.get()
    people = [make_member(community, UserFactory(email=f"applicant{i}@example.org")) for i in range(4)]
    registrations = []
    for person, score in zip(people, (5, 4, 3, 2), strict=True):
        registration = meetings.application_submit(meeting=school, user=person)
        meetings.review_submit(registration=registration, reviewer=coordinator, scores={criterion.pk: score})
        registrations.append(registration)
    meetings.selection_apply(meeting=school, by=coordinator, mode="top", top=2, rest="waitlist")
    assert [Registration.objects.get(pk=r.pk).status for r in registrations] == [
        S.REGISTERED,
        S.REGISTERED,
        S.WAITLISTED,
        S.WAITLISTED,
    ]
    meetings.application_confirm(registration=registrations[1], by=people[1])
    # The first accepted person lets the date pass; the second confirmed in time.
    Application.objects.filter(registration=registrations[0]).update(confirm_by=timezone.now() - timedelta(minutes=1))

    workers = [start_worker(services, mail_queue, mailbox, name=f"worker{i}") for i in range(2)]
    results = [release_unconfirmed_applications.apply_async(queue=mail_queue) for _ in range(2)]
    released = [wait_for_result(result, workers[index]) for index, result in enumerate(results)]
    assert sorted(released) == [0, 1], "one run released the seat, the other found nothing left"

    def emailed():
        return _subjects(mailbox, people[2].email) and any("released" in s for s in _subjects(mailbox, people[0].email))

    assert wait_for(emailed, timeout=90), "\n".join(w.describe() for w in workers)
    statuses = [Registration.objects.get(pk=r.pk).status for r in registrations]
    assert statuses == [S.CANCELLED, S.REGISTERED, S.REGISTERED, S.WAITLISTED], "the best-ranked person waiting got it"
    promoted = Application.objects.get(registration=registrations[2])
    assert promoted.confirm_by is not None and promoted.confirmed_at is None, "they are asked to confirm in turn"
    assert Application.objects.get(registration=registrations[0]).released_at is not None

    # A third run, later, changes nothing; every email went out once.
    again = release_unconfirmed_applications.apply_async(queue=mail_queue)
    assert wait_for_result(again, workers[0]) == 0
    wait_for(lambda: False, timeout=2)  # room for a duplicate to arrive, if any were sent
    released_mails = [s for s in _subjects(mailbox, people[0].email) if "released" in s]
    promoted_mails = [s for s in _subjects(mailbox, people[2].email) if "A place is yours" in s]
    assert len(released_mails) == 1 and len(promoted_mails) == 1, (released_mails, promoted_mails)
    assert not [s for s in _subjects(mailbox, people[3].email) if "A place is yours" in s], "still waiting"
