"""Minutes to write on /me/, asked per kind of access (issue 15): the same meetings, each part by its own index."""

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from communities import permissions
from communities.models import Group, Membership
from communities.permissions import request_answers
from communities.permissions.person import known_person
from communities.selectors_lists import first_of_parts_and_total
from cop_portal.reports import dashboard
from meetings.models import Meeting
from meetings.querysets import CO_ORGANISER_PERM
from tests.factories import CommunityFactory, GroupFactory, UserFactory, make_member
from tests.meetings.factories import MeetingFactory

pytestmark = pytest.mark.django_db


def ended(community, days, **fields):
    start = timezone.now() - timedelta(days=days)
    return MeetingFactory(community=community, start=start, end=start + timedelta(hours=1), **fields)


@pytest.fixture
def organiser(cop, coordinator):
    """REBUILD's coordinator in small: coordinates cop, facilitates a group elsewhere, co-organises more."""
    elsewhere, third = CommunityFactory(), CommunityFactory()
    team, own_team = GroupFactory(community=elsewhere), GroupFactory(community=cop)
    make_member(elsewhere, coordinator)
    make_member(elsewhere, coordinator, role=Membership.Role.FACILITATOR, group=team)
    make_member(cop, coordinator, role=Membership.Role.FACILITATOR, group=own_team)  # inside what they coordinate
    make_member(third, coordinator)
    for days in range(2, 6):
        ended(cop, days)
    ended(cop, 3, group=own_team)
    ended(elsewhere, 1, group=team)
    ended(elsewhere, 9, group=team)
    for meeting in (ended(third, 4), ended(cop, 8), ended(elsewhere, 7, group=team), ended(elsewhere, 6)):
        permissions.grant(CO_ORGANISER_PERM, coordinator, meeting)  # the second and third overlap the other parts
    ended(elsewhere, 2)  # neither theirs to organise
    ended(third, 2)
    ended(cop, 2, status=Meeting.Status.HELD)  # closed already
    return coordinator


def expected(user):
    rows = Meeting.objects.manageable_by(user).filter(status=Meeting.Status.SCHEDULED, end__lt=timezone.now())
    return list(rows.order_by("-end", "-pk").values_list("pk", flat=True)[:5]), rows.count()


@pytest.mark.parametrize("person_read", [False, True], ids=["from the database", "from the request's person"])
def test_the_parts_are_disjoint_and_together_are_every_meeting_one_manages(organiser, person_read):
    everything = set(Meeting.objects.manageable_by(organiser).values_list("pk", flat=True))
    with request_answers():
        if person_read:
            known_person(organiser)  # the ids then come as lists
        parts = [set(part.values_list("pk", flat=True)) for part in Meeting.objects.manageable_parts(organiser)]
    assert all(parts), "each kind of access holds meetings here"
    assert sum(len(part) for part in parts) == len(everything) == 12
    assert set.union(*parts) == everything


@pytest.mark.parametrize("person_read", [False, True], ids=["from the database", "from the request's person"])
def test_minutes_to_write_are_the_latest_five_and_all_counted_once(organiser, person_read):
    with request_answers():
        if person_read:
            known_person(organiser)
        with CaptureQueriesContext(connection) as queries:
            minutes, total = dashboard.minutes_to_write(organiser)
    first, count = expected(organiser)
    assert total == count == 11  # two overlapping grants, counted once
    assert [meeting.pk for meeting in minutes] == first
    assert len(queries.captured_queries) == 1


def test_someone_who_organises_nothing_is_asked_nothing(cop):
    member = make_member(cop)
    ended(cop, 2)
    with request_answers():
        known_person(member)
        with CaptureQueriesContext(connection) as queries:
            assert dashboard.minutes_to_write(member) == ([], 0)
    # The person says they coordinate, facilitate and co-organise nothing: the database is not asked.
    assert len(queries.captured_queries) == 0


def test_a_part_known_empty_is_not_asked(cop):
    rows = Meeting.objects.filter(community=cop)
    ended(cop, 2)
    with CaptureQueriesContext(connection) as queries:
        assert first_of_parts_and_total([rows.none(), Meeting.objects.none()], ("-end",), 5) == ([], 0)
    assert len(queries.captured_queries) == 0


@pytest.mark.parametrize("person_read", [False, True], ids=["from the database", "from the request's person"])
def test_requests_to_decide_are_those_of_every_community_and_group_one_manages(organiser, cop, person_read):
    """The groups of a coordinated community come with it; only groups facilitated elsewhere are named apart."""
    team = Group.objects.get(community=cop)
    outside = Group.objects.exclude(community=cop).get()
    for community, group in ((cop, None), (cop, team), (outside.community, outside), (outside.community, None)):
        Membership.objects.create(
            user=UserFactory(), community=community, group=group, status=Membership.Status.PENDING
        )
    with request_answers():
        if person_read:
            known_person(organiser)
        lines = dashboard.requests_to_decide(organiser)
    managed = Q(community__in=permissions.managed_community_ids(organiser)) | Q(
        group__in=permissions.managed_group_ids(organiser)
    )
    assert sum(line["count"] for line in lines) == Membership.objects.pending().filter(managed).count() == 3
    assert {(line["community_slug"], line["group_name"]) for line in lines} == {
        ("cop", ""),
        ("cop", team.name),
        (outside.community.slug, outside.name),
    }


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plan; SQLite has no index-only count")
@pytest.mark.django_db(transaction=True)  # VACUUM, which sets the visibility map an index-only scan needs
def test_a_coordinated_communitys_unclosed_meetings_are_counted_from_the_index_alone(organiser, cop):
    """The count of the coordinated part reads (community, status, end) alone: no row of the table.

    Counted as COUNT(id) under an OR of the three kinds of access, PostgreSQL fetched every unclosed past
    meeting of the community from the table (7,000 for REBUILD's coordinator at full scale, 20 ms).
    """
    with request_answers():
        known_person(organiser)  # as on /me/: the coordinated communities are a list of ids
        coordinated = Meeting.objects.manageable_parts(organiser)[0]
        with CaptureQueriesContext(connection) as queries:
            first_of_parts_and_total(
                [coordinated.filter(status=Meeting.Status.SCHEDULED, end__lt=timezone.now())], ("-end", "-pk"), 5
            )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE meetings_meeting")
        with transaction.atomic():
            # On a few test rows a scan of the table is cheapest; the question is whether the index can answer.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_bitmapscan = off")
            cursor.execute(f"EXPLAIN {queries[-1]['sql']}")  # our own query, as it was sent
            plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Only Scan using meeting_community_status_end" in plan, plan
