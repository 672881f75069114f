"""Issue 15: the person's ids reach PostgreSQL as one array parameter each, not one placeholder per id.

For the heaviest member a page's queries carried 300 to 450 values, prepared one by one by Django
and merged into the query by psycopg: about 15 ms of CPU per page. `field__in=IdList(ids)` is
`field = ANY(%s)` on PostgreSQL with the same rows; an ordinary IN on SQLite.
"""

import pytest
from django.db import connection
from django.test import Client

from communities import permissions
from communities.models import Community, Group, Membership
from members.id_lists import IdList
from tests.factories import CommunityFactory, GroupFactory, make_member

pytestmark = pytest.mark.django_db

on_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="the array parameter is PostgreSQL's")


def _params_of(queryset) -> tuple:
    return queryset.query.get_compiler(using="default").as_sql()[1]


def test_an_id_list_filters_the_same_rows_as_a_list_on_fields_and_relations():
    communities = [CommunityFactory() for _ in range(4)]
    for community in communities:
        make_member(community)
    wanted = [communities[0].pk, communities[2].pk]
    assert sorted(Community.objects.filter(pk__in=IdList(wanted)).values_list("pk", flat=True)) == wanted
    by_relation = Membership.objects.filter(community__in=IdList(wanted))
    assert sorted(by_relation.values_list("community_id", flat=True)) == wanted
    assert set(by_relation) == set(Membership.objects.filter(community__in=wanted))
    # Excluded, combined with OR, inside a subquery: the same as Django's own lookup.
    assert set(Community.objects.exclude(pk__in=IdList(wanted))) == set(Community.objects.exclude(pk__in=wanted))
    inner = Membership.objects.filter(community__in=IdList(wanted)).values("community_id")
    assert set(Community.objects.filter(pk__in=inner)) == {communities[0], communities[2]}


def test_an_empty_id_list_matches_nothing_as_an_empty_list_does():
    CommunityFactory()
    assert not Community.objects.filter(pk__in=IdList()).exists()
    assert Community.objects.filter(pk__in=IdList()).count() == 0
    assert Community.objects.exclude(pk__in=IdList()).count() == Community.objects.count()


@on_postgres
def test_on_postgresql_an_id_list_is_one_array_parameter():
    ids = IdList(range(1, 301))
    sql, params = Community.objects.filter(pk__in=ids).query.get_compiler(using="default").as_sql()
    assert '"communities_community"."id" = ANY(%s::bigint[])' in sql
    literal = "{" + ",".join(str(n) for n in range(1, 301)) + "}"
    assert params == (literal,)  # one array literal, written once for the list
    related = _params_of(Membership.objects.filter(community__in=ids))
    assert related == (literal,)
    assert list(Community.objects.filter(pk__in=ids)) == list(Community.objects.filter(pk__in=list(ids)))
    # Any other right-hand side is Django's own: a plain list is one placeholder per value.
    assert len(_params_of(Community.objects.filter(pk__in=list(range(1, 301))))) == 300


@on_postgres
def test_a_member_of_many_groups_sends_their_ids_once_per_query_not_once_per_id():
    """The meeting list of a member of 60 groups: no query of the page carries a value per group."""
    community = CommunityFactory(visibility="members")
    member = make_member(community)
    for _ in range(60):
        make_member(community, member, group=GroupFactory(community=community, visibility=Group.Visibility.PRIVATE))
    client = Client()
    client.force_login(member)
    sent = []

    def count_values(execute, sql, params, many, context):
        sent.append((len(params or ()), sql))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count_values):
        response = client.get(f"/c/{community.slug}/meetings/")
    assert response.status_code == 200
    meeting_queries = [(count, sql) for count, sql in sent if "meetings_meeting" in sql]
    assert meeting_queries
    # One placeholder per id gave each of these queries more than 60 values (the groups, named twice).
    assert max(count for count, _sql in meeting_queries) < 30, [count for count, _sql in meeting_queries]
    assert any("= ANY(%s::bigint[])" in sql for _count, sql in meeting_queries)
    with permissions.request_answers():
        person = permissions.known_person(member)
        assert isinstance(person.active_group_ids(), IdList) and len(person.active_group_ids()) == 60
        assert isinstance(permissions.active_community_ids(member), IdList)
        assert isinstance(permissions.managed_community_ids(member), IdList)


def test_an_id_list_is_not_walked_item_by_item_when_a_query_is_built(monkeypatch):
    """Django resolved every item of a list in each filter (Query.resolve_lookup_value); an IdList is taken whole."""
    from django.db.models.sql.query import Query

    ids = IdList(range(1, 451))
    calls = []
    original = Query.resolve_lookup_value

    def counted(self, value, *args, **kwargs):
        calls.append(value)
        return original(self, value, *args, **kwargs)

    monkeypatch.setattr(Query, "resolve_lookup_value", counted)
    Membership.objects.filter(group__in=ids, community__in=ids).query  # noqa: B018 - building is the point
    assert len(calls) == 2
