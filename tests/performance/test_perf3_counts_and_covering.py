"""Issue 15, measured at network scale (2026-12-07): the groups' member counts and the meeting list's covering index.

- The community home and the console's Groups tab counted each group's active members with a join
  of the groups and their memberships: PostgreSQL read every group membership of the deployment
  through the group index (27 ms on REBUILD's home). They now count per group row, the same numbers.
- The meeting list's page count and its theme filter's sample read only columns that the covering
  index `meeting_community_start` holds, so both are index-only scans (9,000 upcoming meetings on
  7,500 table pages at network scale).
"""

import re
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.db.models import Count, Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from communities.models import Group, Membership
from meetings.models import Meeting
from tests.factories import CommunityFactory, GroupFactory, UserFactory, make_member
from tests.meetings.factories import MeetingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def community():
    community = CommunityFactory(visibility="public", name="Counted")
    busy, quiet, _empty = (GroupFactory(community=community, name=name) for name in ("Busy", "Quiet", "Empty"))
    for _n in range(3):
        make_member(community, group=busy, user=make_member(community))
    make_member(community, group=quiet, user=make_member(community))
    for status in (Membership.Status.PENDING, Membership.Status.LEFT):
        person = make_member(community)
        Membership.objects.create(user=person, community=community, group=busy, status=status)
    return community


def _reference(community) -> dict[str, int]:
    """Count as the pages did before: one join of groups and memberships, DISTINCT counts of the active."""
    active = Q(memberships__status=Membership.Status.ACTIVE)
    rows = Group.objects.filter(community=community).annotate(n=Count("memberships", filter=active, distinct=True))
    return dict(rows.values_list("name", "n"))


def _joins_groups_with_memberships(sql: str) -> bool:
    outer = sql.split("(SELECT")[0]
    return 'JOIN "communities_membership"' in outer and 'FROM "communities_group"' in outer


def test_the_community_home_counts_each_groups_members_as_the_old_join_did(client, community):
    url = community.get_absolute_url()
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)

    shown = {group.name: group.member_count for group in response.context["groups"]}
    assert shown == _reference(community) == {"Busy": 3, "Quiet": 1, "Empty": 0}
    assert not any(_joins_groups_with_memberships(q["sql"]) for q in queries.captured_queries)


def test_the_consoles_groups_tab_counts_the_same_members(client, community):
    coordinator = make_member(community, role=Membership.Role.COORDINATOR)
    client.force_login(coordinator)
    url = f"/c/{community.slug}/manage/groups/"
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)

    assert response.status_code == 200
    shown = {group.name: group.member_count for group in response.context["groups"]}
    assert shown == _reference(community)
    assert not any(_joins_groups_with_memberships(q["sql"]) for q in queries.captured_queries)


def _meeting_columns_read(sql: str) -> set[str]:
    """Return the columns of meetings_meeting that PostgreSQL's plan for sql reads, at every scan of the table.

    EXPLAIN VERBOSE names each scan's outputs and conditions with the scan's alias; the plan chosen
    does not matter (the small test database would not choose the network's), only what it reads.
    """
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (VERBOSE) " + sql)
        lines = [row[0] for row in cursor.fetchall()]
    columns, alias = set(), None
    for line in lines:
        scan = re.search(r"Scan(?: using \S+)? on public\.meetings_meeting(?: (\w+))?", line)
        if scan:
            alias = scan.group(1) or "meetings_meeting"
            continue
        if "->" in line:
            alias = None  # the next node: its lines are not this scan's
        elif alias:
            columns |= set(re.findall(rf"\b{alias}\.(\w+)", line))
    return columns


@pytest.mark.parametrize("viewer", ["visitor", "member"])
def test_the_meeting_lists_count_and_theme_sample_read_only_what_the_covering_index_holds(client, community, viewer):
    if connection.vendor != "postgresql":
        pytest.skip("INCLUDE columns and EXPLAIN VERBOSE are PostgreSQL's (CI runs this on PostgreSQL)")
    group = Group.objects.get(community=community, name="Busy")
    soon = timezone.now() + timedelta(days=3)
    MeetingFactory(community=community, visibility=Meeting.Visibility.PUBLIC, start=soon)
    MeetingFactory(community=community, group=group, visibility=Meeting.Visibility.PUBLIC, start=soon)
    if viewer == "member":
        client.force_login(make_member(community, user=UserFactory()))
    url = f"/c/{community.slug}/meetings/"
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200

    count = next(q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT COUNT(*)"))
    sample = next(q["sql"] for q in queries.captured_queries if q["sql"].startswith('SELECT DISTINCT "taggit_tag"'))
    index = next(index for index in Meeting._meta.indexes if index.name == "meeting_community_start")
    covered = {Meeting._meta.get_field(name).column for name in (*index.fields, *index.include)}
    # A member of the community sees its every meeting behind the group walls (Meeting.objects.visible_in):
    # their rule does not read the visibility at all.
    needed = {"community_id", "start"} | ({"visibility"} if viewer == "visitor" else set())
    for sql in (count, sample):
        read = _meeting_columns_read(sql)
        assert needed <= read, read
        assert read <= covered, f"{sorted(read - covered)} are read but not in meeting_community_start"


def test_the_theme_filter_reads_the_meetings_themes_from_one_index(client, community):
    """The filter's themes of its first 1,000 meetings: each meeting's links from meeting_theme_by_meeting."""
    if connection.vendor != "postgresql":
        pytest.skip("index plans are PostgreSQL's (CI runs this on PostgreSQL)")
    meeting = MeetingFactory(community=community, visibility=Meeting.Visibility.PUBLIC)
    meeting.themes.add("open data")
    url = f"/c/{community.slug}/meetings/"
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    sample = next(q["sql"] for q in queries.captured_queries if q["sql"].startswith('SELECT DISTINCT "taggit_tag"'))
    with transaction.atomic(), connection.cursor() as cursor:
        # The small test tables would be read whole: ask for the plan the network's size gets, where
        # each sampled meeting looks up its links (a nested loop into an index).
        for setting in ("enable_seqscan", "enable_bitmapscan", "enable_hashjoin", "enable_mergejoin"):
            cursor.execute(f"SET LOCAL {setting} = off")
        cursor.execute("EXPLAIN (VERBOSE) " + sample)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Only Scan using meeting_theme_by_meeting on public.meetings_themedmeeting" in plan, plan
