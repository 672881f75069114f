"""Meeting cards and the /me/ actions count registrations per meeting shown, not by grouping every registration."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from communities.models import Membership
from cop_portal.reports import dashboard
from meetings import selectors
from meetings.models import Meeting, Registration
from tests.factories import CommunityFactory, make_member
from tests.meetings.factories import MeetingFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def community():
    return CommunityFactory(visibility="public")


def test_cards_count_seats_as_before_without_a_join_on_registrations(community):
    member = make_member(community)
    full, _empty = MeetingFactory(community=community, title="Full"), MeetingFactory(community=community, title="Empty")
    RegistrationFactory.create_batch(3, meeting=full, status=Registration.Status.REGISTERED)
    RegistrationFactory(meeting=full, status=Registration.Status.REGISTERED, walk_in=True)  # takes no seat
    RegistrationFactory(meeting=full, status=Registration.Status.WAITLISTED)
    RegistrationFactory(meeting=full, user=member, status=Registration.Status.PENDING)
    meetings = selectors.for_cards(Meeting.objects.filter(community=community).order_by("title"), member)

    with CaptureQueriesContext(connection) as queries:
        cards = [(meeting.title, meeting.seats_taken, meeting.my_status) for meeting in meetings]

    assert cards == [("Empty", 0, None), ("Full", 3, Registration.Status.PENDING)]
    main = queries.captured_queries[0]["sql"]
    assert "GROUP BY" not in main.split("(SELECT")[0] and 'JOIN "meetings_registration"' not in main


def test_the_meeting_list_page_count_reads_no_registration(client, community):
    meeting = MeetingFactory(community=community, visibility=Meeting.Visibility.PUBLIC)
    RegistrationFactory(meeting=meeting, status=Registration.Status.REGISTERED)
    url = f"/c/{community.slug}/meetings/"
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200

    counts = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT COUNT(*)")]
    assert counts and not any("meetings_registration" in sql for sql in counts)


def test_me_asks_to_approve_only_meetings_with_pending_registrations_and_counts_them(community):
    coordinator = make_member(community, role=Membership.Role.COORDINATOR)
    waiting = MeetingFactory(community=community, title="Board", start=timezone.now() + timedelta(days=1))
    RegistrationFactory.create_batch(2, meeting=waiting, status=Registration.Status.PENDING)
    RegistrationFactory.create_batch(3, meeting=waiting, status=Registration.Status.REGISTERED)
    quiet = MeetingFactory(community=community, title="Quiet")
    RegistrationFactory(meeting=quiet, status=Registration.Status.REGISTERED)

    with CaptureQueriesContext(connection) as queries:
        shown = [(meeting.title, meeting.pending_count) for meeting in dashboard.registrations_to_approve(coordinator)]

    assert shown == [("Board", 2)]
    assert dashboard.registrations_to_approve_count(coordinator) == 2
    assert "HAVING" not in queries.captured_queries[-1]["sql"], "EXISTS per meeting, not a GROUP BY ... HAVING"
