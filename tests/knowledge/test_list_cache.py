"""The knowledge list keeps its count and suggestions until the community's knowledge changes (issue 15)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communities import services as community_services
from communities.models import Group
from knowledge import list_cache, services
from knowledge.models import KnowledgeItem
from knowledge.services import AuthorSpec
from tests.factories import CommunityFactory, GroupFactory, OrganizationFactory, UserFactory, make_member

from .helpers import make_item

pytestmark = pytest.mark.django_db
V = KnowledgeItem.Visibility


@pytest.fixture
def community():
    return CommunityFactory(slug="rebuild", name="REBUILD")


def _list(client, community, **query):
    from urllib.parse import urlencode

    path = reverse("knowledge:list", args=[community.slug])
    with CaptureQueriesContext(connection) as context:
        response = client.get(path + ("?" + urlencode(query) if query else ""))
    assert response.status_code == 200
    sql = [q["sql"] for q in context.captured_queries]
    return response.content.decode(), sql


def _suggested(page, kind):
    return page.split(f'id="id_{kind}-suggestions"')[1].split("</datalist>")[0]


def _counted(sql):
    return sum(1 for q in sql if q.startswith("SELECT COUNT(*)"))


def _ranked(sql):
    return sum(1 for q in sql if "WITH recent" in q)


def test_a_second_identical_request_reads_neither_the_count_nor_the_suggestions(client, community):
    make_item(community, title="Alpha", visibility=V.PUBLIC, themes=["soil health"])
    first, first_sql = _list(client, community)
    second, second_sql = _list(client, community)
    assert (_counted(first_sql), _ranked(first_sql)) == (1, 1)
    assert (_counted(second_sql), _ranked(second_sql)) == (0, 0)
    assert "soil health" in _suggested(second, "theme") and "1 item" in second
    assert len(second_sql) == len(first_sql) - 2


def test_a_new_item_shows_in_the_next_count_and_suggestions(client, community):
    author = make_member(community)
    make_item(community, author=author, title="Alpha", visibility=V.PUBLIC, themes=["soil health"])
    page, _sql = _list(client, community)
    assert "1 item" in page
    make_item(community, author=author, title="Beta", visibility=V.PUBLIC, themes=["water supply"])
    page, sql = _list(client, community)
    assert "2 items" in page and "water supply" in _suggested(page, "theme")
    assert _counted(sql) == 1


def test_each_viewer_gets_the_values_of_their_own_rule(client, community):
    """A member's kept count and suggestions are never a visitor's: the key is the query, rule included."""
    member = make_member(community)
    make_item(community, author=member, title="Open", visibility=V.PUBLIC, themes=["open theme"])
    make_item(community, author=member, title="Inside", visibility=V.COMMUNITY, themes=["inside theme"])
    client.force_login(member)
    page, _sql = _list(client, community)
    assert "2 items" in page and "inside theme" in _suggested(page, "theme")
    client.logout()
    page, _sql = _list(client, community)
    assert "1 item" in page and "inside theme" not in _suggested(page, "theme")


def test_leaving_a_group_or_the_group_turning_private_is_seen_at_once(client, community):
    group = GroupFactory(community=community, visibility=Group.Visibility.PUBLIC)
    insider = make_member(community, group=group)
    make_item(community, title="Open", visibility=V.PUBLIC)
    make_item(community, author=insider, title="Open in group", visibility=V.PUBLIC, group=group)
    make_item(community, author=insider, title="For the group", visibility=V.GROUP, group=group)
    viewer = make_member(community)
    make_member(community, user=viewer, group=group)
    client.force_login(viewer)
    page, _sql = _list(client, community)
    assert "3 items" in page
    community_services.membership_leave(user=viewer, community=community, group=group)
    page, _sql = _list(client, community)
    assert "2 items" in page and "For the group" not in page
    client.logout()
    page, _sql = _list(client, community)
    assert "2 items" in page
    group.visibility = Group.Visibility.PRIVATE
    group.save()
    page, _sql = _list(client, community)
    assert "1 item" in page and "Open in group" not in page  # a private group's items stay behind it


def test_a_renamed_author_organisation_or_theme_is_suggested_by_the_new_name(client, community):
    writer = make_member(community, user=UserFactory(full_name="Amina Haddad"))
    organisation = OrganizationFactory(name="University of Benghazi")
    item = make_item(
        community,
        author=writer,
        visibility=V.PUBLIC,
        themes=["water supply"],
        organizations=[organisation],
        authors=[AuthorSpec(user=writer)],
    )
    page, _sql = _list(client, community)
    assert "Amina Haddad" in _suggested(page, "author")
    writer.full_name = "Amina Haddad-Mansour"
    writer.save()
    organisation.name = "Benghazi University"
    organisation.save()
    theme = item.themes.get()
    theme.name = "Drinking water"
    theme.save()
    page, _sql = _list(client, community)
    assert "Amina Haddad-Mansour" in _suggested(page, "author")
    assert "Benghazi University" in _suggested(page, "organization")
    assert "Drinking water" in _suggested(page, "theme")


def test_links_changed_on_an_item_renew_its_community_only(community):
    other = CommunityFactory(slug="other")
    item = make_item(community, visibility=V.PUBLIC)
    key, other_key = list_cache.COMMUNITY_KEY.format(community.pk), list_cache.COMMUNITY_KEY.format(other.pk)
    from members import generations

    before, other_before = generations.current(key), generations.current(other_key)
    item.themes.add("new theme")
    assert generations.current(key) != before
    before = generations.current(key)
    item.organizations.add(OrganizationFactory())
    assert generations.current(key) != before
    assert generations.current(other_key) == other_before


def test_a_service_edit_renews_the_list(client, community):
    author = make_member(community)
    item = make_item(community, author=author, title="Alpha", visibility=V.PUBLIC, themes=["soil health"])
    page, _sql = _list(client, community)
    assert "soil health" in _suggested(page, "theme")
    services.item_update(item=item, by=author, themes=["compost"], organizations=[], authors=None)
    page, _sql = _list(client, community)
    assert "compost" in _suggested(page, "theme") and "soil health" not in _suggested(page, "theme")


def test_without_a_cache_answering_the_values_are_computed(client, community, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    make_item(community, title="Alpha", visibility=V.PUBLIC)
    for _ in range(2):
        page, sql = _list(client, community)
        assert "1 item" in page and _counted(sql) == 1


def test_a_member_leaving_the_community_stops_seeing_its_members_items_at_once(client, community):
    member = make_member(community)
    make_item(community, title="Inside", visibility=V.COMMUNITY)
    client.force_login(member)
    page, _sql = _list(client, community)
    assert "1 item" in page
    community_services.membership_leave(user=member, community=community)
    response = client.get(reverse("knowledge:list", args=[community.slug]))
    assert response.status_code in (200, 404)
    assert "Inside" not in response.content.decode()
