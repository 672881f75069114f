"""Issue 15: a person's grants on single objects (a co-organised meeting) are read with their memberships.

Every scoped meeting query of a signed-in page asked guardian's two tables and Django's permissions for
the meetings the person co-organises (a union of joins, built, compiled and planned each time). Within a
read-only request whose person is read, granted_ids names them as a list of ids instead: the same
answer, tested here against the database's, and an empty list for the many who hold none.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group as DjangoGroup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from guardian.shortcuts import assign_perm

from communities import permissions
from communities.permissions import person as person_module
from communities.permissions import request_answers
from communities.permissions.person import known_person
from meetings.models import Meeting
from meetings.querysets import CO_ORGANISER_PERM
from tests.factories import CommunityFactory, GroupFactory, make_member
from tests.meetings.factories import MeetingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting():
    """A co-organiser of a meeting behind a private group they are not in, and of one outside their communities."""
    community, elsewhere = CommunityFactory(), CommunityFactory()
    private = GroupFactory(community=community, visibility="private")
    person = make_member(community)
    behind = MeetingFactory(community=community, group=private, visibility="members", title="Behind the wall")
    outside = MeetingFactory(community=elsewhere, visibility="members", title="Not a member there")
    MeetingFactory(community=community, group=private, visibility="members", title="Not theirs")
    return person, behind, outside


def visible_titles(user, *, person_read: bool) -> set[str]:
    with request_answers():
        if person_read:
            known_person(user)
        return set(Meeting.objects.visible_to(user).values_list("title", flat=True))


def test_a_co_organised_meeting_shows_as_the_database_says(setting):
    person, behind, outside = setting
    assert "Behind the wall" not in visible_titles(person, person_read=True)
    permissions.grant(CO_ORGANISER_PERM, person, behind)
    permissions.grant(CO_ORGANISER_PERM, person, outside)  # counts only where they are an active member
    from_database = visible_titles(person, person_read=False)
    assert "Behind the wall" in from_database and "Not a member there" not in from_database
    assert visible_titles(person, person_read=True) == from_database
    assert "Not theirs" not in from_database


def test_a_grant_through_a_django_group_counts_too(setting):
    person, behind, _outside = setting
    team = DjangoGroup.objects.create(name="organisers")
    assign_perm(CO_ORGANISER_PERM, team, behind)
    person.groups.add(team)
    assert "Behind the wall" in visible_titles(person, person_read=True) == visible_titles(person, person_read=False)


def test_the_grants_are_named_as_ids_without_guardians_tables(setting):
    person, behind, _outside = setting
    permissions.grant(CO_ORGANISER_PERM, person, behind)
    with request_answers():
        loaded = known_person(person)
        meetings = Meeting.objects.visible_to(person)
        with CaptureQueriesContext(connection) as queries:
            titles = set(meetings.values_list("title", flat=True))
    assert "Behind the wall" in titles
    assert loaded.object_grants == {(_content_type_pk(), "meetings", "organise_meeting"): {behind.pk}}
    assert "guardian" not in queries[0]["sql"]


def _content_type_pk() -> int:
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(Meeting).pk


def test_without_any_grant_the_condition_is_left_out(setting):
    person, _behind, _outside = setting
    with request_answers():
        assert known_person(person).object_grants == {}
        sql = str(Meeting.objects.visible_to(person).query)
    assert "guardian" not in sql and "organise_meeting" not in sql


def test_too_many_grants_are_asked_of_the_database(setting, monkeypatch):
    person, behind, outside = setting
    monkeypatch.setattr(person_module, "OBJECT_GRANTS_READ", 1)
    permissions.grant(CO_ORGANISER_PERM, person, behind)
    permissions.grant(CO_ORGANISER_PERM, person, outside)
    with request_answers():
        assert known_person(person).object_grants is None
        sql = str(Meeting.objects.visible_to(person).query)
        titles = set(Meeting.objects.visible_to(person).values_list("title", flat=True))
    assert "guardian_userobjectpermission" in sql
    assert "Behind the wall" in titles and "Not a member there" not in titles
