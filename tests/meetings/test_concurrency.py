"""Two cancellations at the same moment never give the same free seat twice (real threads, PostgreSQL)."""

import threading
import time
from unittest import mock

import pytest
from django.db import connection, connections

from communities.models import Membership
from meetings import services
from meetings.models import Registration
from members.models import OutboxMessage
from tests.conftest import require_service
from tests.factories import CommunityFactory, UserFactory
from tests.meetings.factories import MeetingFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _members(community, count):
    people = []
    for _ in range(count):
        person = UserFactory()
        Membership.objects.create(user=person, community=community, status=Membership.Status.ACTIVE)
        people.append(person)
    return people


def _run_together(*jobs):
    """Run each job in its own thread (own database connection), released at the same instant."""
    barrier = threading.Barrier(len(jobs))
    errors = []

    def run(job):
        try:
            barrier.wait()
            job()
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors


@pytest.fixture
def slow_seat_count():
    """Widen the window between counting seats and promoting, so a missing lock shows up every time."""
    original = services.registrations._seats_taken

    def slow(*args, **kwargs):
        time.sleep(0.3)
        return original(*args, **kwargs)

    with mock.patch.object(services.registrations, "_seats_taken", side_effect=slow):
        yield


class _Notices:
    """The registration notices the services wrote to the outbox, read when iterated."""

    def __iter__(self):
        rows = OutboxMessage.objects.filter(task_name="meetings.notify_registration").order_by("pk")
        return iter([tuple(row.args) for row in rows])


@pytest.fixture
def promotions():
    return _Notices()


def test_two_simultaneous_cancellations_promote_two_different_people(slow_seat_count, promotions):
    require_service(connection.vendor == "postgresql", "PostgreSQL (row locks)")
    community = CommunityFactory()
    meeting = MeetingFactory(community=community, capacity=2)
    a, b, w1, w2, w3 = _members(community, 5)
    seat_a = Registration.objects.create(meeting=meeting, user=a, status=Registration.Status.REGISTERED)
    seat_b = Registration.objects.create(meeting=meeting, user=b, status=Registration.Status.REGISTERED)
    for position, person in enumerate((w1, w2, w3), start=1):
        Registration.objects.create(
            meeting=meeting, user=person, status=Registration.Status.WAITLISTED, position=position
        )

    _run_together(
        lambda: services.registration_cancel(registration=seat_a, by=a),
        lambda: services.registration_cancel(registration=seat_b, by=b),
    )

    statuses = dict(Registration.objects.filter(meeting=meeting).values_list("user_id", "status"))
    assert statuses == {
        a.pk: "cancelled",
        b.pk: "cancelled",
        w1.pk: "registered",
        w2.pk: "registered",
        w3.pk: "waitlisted",
    }
    assert Registration.objects.filter(meeting=meeting, status="registered").count() == 2
    promoted = [registration_id for registration_id, event in promotions if event == "promoted"]
    assert sorted(promoted) == sorted(Registration.objects.filter(user__in=[w1, w2]).values_list("pk", flat=True))


def test_a_double_submitted_cancellation_promotes_one_person_once(slow_seat_count, promotions):
    require_service(connection.vendor == "postgresql", "PostgreSQL (row locks)")
    community = CommunityFactory()
    meeting = MeetingFactory(community=community, capacity=1)
    holder, w1, w2 = _members(community, 3)
    seat = Registration.objects.create(meeting=meeting, user=holder, status=Registration.Status.REGISTERED)
    Registration.objects.create(meeting=meeting, user=w1, status=Registration.Status.WAITLISTED, position=1)
    Registration.objects.create(meeting=meeting, user=w2, status=Registration.Status.WAITLISTED, position=2)

    _run_together(
        lambda: services.registration_cancel(registration=seat, by=holder),
        lambda: services.registration_cancel(registration=seat, by=holder),
    )

    statuses = dict(Registration.objects.filter(meeting=meeting).values_list("user_id", "status"))
    assert statuses == {holder.pk: "cancelled", w1.pk: "registered", w2.pk: "waitlisted"}
    assert [event for _pk, event in promotions] == ["promoted"]
