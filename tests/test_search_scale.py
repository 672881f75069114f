"""/search/ at network scale (issue 15): stored meeting vectors, a bounded candidate set, bounded counts."""

from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from cop_portal.search import views as search_views
from knowledge.models import KnowledgeItem
from meetings.models import Meeting
from tests.factories import CommunityFactory, make_member
from tests.knowledge.helpers import make_item

pytestmark = pytest.mark.django_db
V = KnowledgeItem.Visibility
postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL full-text search")


def _meeting(community, title, description="", visibility=Meeting.Visibility.PUBLIC, days=3):
    start = timezone.now() + timedelta(days=days)
    return Meeting.objects.create(
        community=community,
        title=title,
        description=description,
        start=start,
        end=start + timedelta(hours=1),
        visibility=visibility,
    )


def search(client, q, **params):
    response = client.get(reverse("search:index"), {"q": q, **params})
    assert response.status_code == 200
    return response


@postgres_only
def test_a_meetings_search_vector_follows_every_write_and_matches_the_on_the_fly_one():
    from django.contrib.postgres.search import SearchVector

    meeting = _meeting(CommunityFactory(), "Geothermal webinar", "Wells and heat pumps")
    Meeting.objects.filter(pk=meeting.pk).update(description="District heating")  # no save(), no service
    row = Meeting.objects.annotate(fly=SearchVector("title", "description", config="simple")).get(pk=meeting.pk)
    assert row.search_vector == row.fly
    assert "'district'" in row.search_vector and "'wells'" not in row.search_vector


@postgres_only
def test_the_meeting_search_uses_the_gin_index():
    community = CommunityFactory()
    for n in range(30):
        _meeting(community, f"Meeting {n}", "ordinary words")
    _meeting(community, "Saffron harvest", "rare")
    sql, params = Meeting.objects.filter(search_vector="saffron").values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # tiny table: ask whether an index can answer
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "meeting_search_gin" in plan


def test_meetings_are_found_by_title_and_description_as_before(client):
    community = CommunityFactory()
    _meeting(community, "Geothermal webinar", "Everyone welcome.")
    _meeting(community, "Steering committee", "About geothermal wells.")
    _meeting(community, "Members on geothermal", visibility=Meeting.Visibility.MEMBERS)
    response = search(client, "geothermal")
    assert {m.title for m, _s in response.context["meetings"]} == {"Geothermal webinar", "Steering committee"}
    assert response.context["meeting_count"] == 2 and not response.context["meeting_count_more"]


def test_a_common_word_ranks_only_the_newest_candidates_and_counts_more_than(client, monkeypatch):
    monkeypatch.setattr(search_views, "CANDIDATES", 3)
    community = CommunityFactory()
    member = make_member(community)
    for n in range(5):
        make_item(community, author=member, title=f"Common word {n}", visibility=V.PUBLIC)
        _meeting(community, f"Common word meeting {n}")
    make_item(community, author=member, title="Common word, members only", visibility=V.COMMUNITY)
    response = search(client, "common")
    assert response.context["item_count"] == 3 and response.context["item_count_more"]
    assert response.context["meeting_count"] == 3 and response.context["meeting_count_more"]
    body = response.content.decode()
    assert "Knowledge: more than 3 results" in body and "Meetings: more than 3 results" in body
    assert len(response.context["items"]) == 3 and len(response.context["meetings"]) == 3
    assert "members only" not in body  # restricted by visibility before the candidates are taken
    full = search(client, "common", type="knowledge")
    assert len(full.context["page"].object_list) == 3


def test_counts_below_the_bound_are_exact_and_the_same_queries_run(client, django_assert_max_num_queries):
    community = CommunityFactory()
    member = make_member(community)
    make_item(community, author=member, title="Saffron routes", visibility=V.PUBLIC)
    _meeting(community, "Saffron fair")
    search(client, "saffron")
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        response = search(client, "saffron")
    assert response.context["item_count"] == 1 and not response.context["item_count_more"]
    assert "Knowledge: 1 result" in response.content.decode()
    for n in range(6):
        make_item(community, author=member, title=f"Saffron {n}", visibility=V.PUBLIC)
        _meeting(community, f"Saffron market {n}")
    with django_assert_max_num_queries(len(few)):
        response = search(client, "saffron")
    assert response.context["item_count"] == 7 and response.context["meeting_count"] == 7


@postgres_only
def test_the_knowledge_candidates_are_taken_in_the_order_of_the_newest_index():
    from django.contrib.auth.models import AnonymousUser

    community = CommunityFactory()
    member = make_member(community)
    for n in range(5):
        make_item(community, author=member, title=f"Common word {n}", visibility=V.PUBLIC)
    candidates = (
        search_views.knowledge_matches(user=AnonymousUser(), q="common")
        .order_by(search_views.NEWEST.desc(), "-pk")
        .values("pk")[: search_views.CANDIDATES]
    )
    sql, params = candidates.query.sql_with_params()
    with connection.cursor() as cursor:
        # A common word: walking the index newest first beats fetching every match (tiny table: forced).
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "knowledge_item_newest_idx" in plan


@postgres_only
def test_people_search_finds_ids_through_the_trigram_indexes_and_still_respects_hidden_fields():
    from communities.selectors_people import _showing
    from members.models import Organization, User
    from tests.factories import UserFactory

    shown = UserFactory(full_name="Aurelia Saffronetti")
    hidden = UserFactory(full_name="Someone", email="saffron@example.org", show_email=False)
    org = Organization.objects.create(name="Saffron Growers")
    worker = UserFactory(full_name="Worker", organization=org)
    assert set(User.objects.filter(pk__in=_showing("saffron")).values_list("pk", flat=True)) == {shown.pk, worker.pk}
    assert hidden.pk not in set(User.objects.filter(pk__in=_showing("saffron")).values_list("pk", flat=True))
    sql, params = _showing("saffron").query.sql_with_params()
    with connection.cursor() as cursor:
        # Tiny tables, with statistics as the rest of the suite leaves them: ask whether an index can find the
        # ids by the term. With sequential and plain index scans off (a plain scan of the primary key with a
        # filter reads every person), only an index searched by the term itself can answer.
        cursor.execute("ANALYZE members_user, members_organization")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("SET LOCAL enable_indexonlyscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "user_full_name_trgm" in plan and "organization_name_trgm" in plan and "user_email_trgm" in plan


@postgres_only
def test_a_members_meeting_grants_are_joined_by_primary_key_not_found_by_reading_every_meeting():
    from communities import permissions
    from meetings.querysets import CO_ORGANISER_PERM

    community = CommunityFactory()
    member = make_member(community)
    for n in range(5):
        _meeting(community, f"Meeting {n}")
    sql, params = permissions.granted_ids(member, CO_ORGANISER_PERM, Meeting).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    # The OR of two subqueries was tested against each meeting: "Filter: ((hashed SubPlan 1) OR (hashed SubPlan 2))".
    assert "OR (hashed SubPlan" not in plan


def test_the_results_page_ranks_the_newest_ranked_matches_but_counts_and_pages_up_to_the_bound(client, monkeypatch):
    monkeypatch.setattr(search_views, "RANKED", 2)
    community = CommunityFactory()
    member = make_member(community)
    for n in range(5):
        make_item(community, author=member, title=f"Common word {n}", visibility=V.PUBLIC)
    response = search(client, "common")
    assert response.context["item_count"] == 5 and not response.context["item_count_more"]
    assert {item.title for item, _s in response.context["items"]} == {"Common word 4", "Common word 3"}
    full = search(client, "common", type="knowledge")
    assert len(full.context["page"].object_list) == 5


@postgres_only
@pytest.mark.parametrize("q", ["saffron", 'water "supply chain" -drought', "acqua o'neill"])
def test_the_text_query_is_written_as_djangos_three_search_queries_were(q):
    """Issue 15: one leaf expression, built once per use instead of a tree of three SearchQuery (0.5 ms each)."""
    from django.contrib.postgres.search import SearchQuery

    old = None
    for config in search_views.TEXT_QUERY_CONFIGS:
        part = SearchQuery(q, config=config, search_type="websearch")
        old = part if old is None else old | part
    items = KnowledgeItem.objects.values("pk")
    new_sql = items.filter(search_vector=search_views.TextQuery(q)).query.sql_with_params()
    old_sql = items.filter(search_vector=old).query.sql_with_params()
    assert new_sql == old_sql
    assert str(items.filter(search_vector=search_views.TextQuery(q)).query).count("websearch_to_tsquery") == 3


@postgres_only
def test_a_text_query_finds_in_each_language(client):
    community = CommunityFactory()
    make_item(community, title="Saffron harvests", visibility=V.PUBLIC, language="en")
    make_item(community, title="Raccolte di zafferano", visibility=V.PUBLIC, language="it")
    assert "Saffron harvests" in search(client, "harvest").content.decode()  # English stemming
    assert "Raccolte di zafferano" in search(client, "raccolta").content.decode()  # Italian stemming
    assert search_views.TextQuery("x") == search_views.TextQuery("x") != search_views.TextQuery("y")
