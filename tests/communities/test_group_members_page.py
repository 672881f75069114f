"""A group's page names a bounded number of its people; its members' page lists them all, a page at a time."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from communities.models import Community, Group, Membership
from communities.views import pages
from tests.factories import CommunityFactory, GroupFactory, OrganizationFactory, UserFactory, make_member


def _urls(group):
    kwargs = {"community_slug": group.community.slug, "group_slug": group.slug}
    return reverse("communities:group", kwargs=kwargs), reverse("communities:group_members", kwargs=kwargs)


def _people(community, group, count, *, start=0, role=Membership.Role.MEMBER, **user_fields):
    people = []
    for number in range(start, start + count):
        person = make_member(community, UserFactory(full_name=f"Person {number:03d}", **user_fields))
        make_member(community, person, group=group, role=role)
        people.append(person)
    return people


@pytest.fixture
def world(db):
    community = CommunityFactory(slug="rebuild", name="REBUILD", visibility=Community.Visibility.PUBLIC)
    group = GroupFactory(community=community, slug="team", name="Coordination team")
    return {"community": community, "group": group, "outsider": make_member(community, UserFactory())}


def test_a_large_group_names_the_first_people_facilitators_first_and_links_to_everyone(client, world):
    community, group = world["community"], world["group"]
    _people(community, group, 2, start=900, role=Membership.Role.FACILITATOR)
    _people(community, group, pages.GROUP_PAGE_PEOPLE + 3)
    group_url, members_url = _urls(group)
    html = client.get(group_url).content.decode()
    named = [f"Person {number:03d}" for number in range(pages.GROUP_PAGE_PEOPLE - 2)]
    assert all(name in html for name in named)
    assert "Person 900" in html and "Person 901" in html
    assert f"Person {pages.GROUP_PAGE_PEOPLE - 2:03d}" not in html  # the 25th person on, not on the group page
    assert html.count('<li class="mb-1"><bdi>Person ') == pages.GROUP_PAGE_PEOPLE
    assert f'href="{members_url}"' in html

    everyone = client.get(members_url)
    assert everyone.status_code == 200
    body = everyone.content.decode()
    assert all(f"Person {number:03d}" in body for number in [*range(pages.GROUP_PAGE_PEOPLE + 3), 900, 901])
    assert body.index("Person 900") < body.index("Person 000")  # facilitators first
    assert f"{pages.GROUP_PAGE_PEOPLE + 5} people, facilitators first" in body


def test_a_small_group_names_everyone_and_has_no_link(client, world):
    community, group = world["community"], world["group"]
    _people(community, group, 3)
    group_url, members_url = _urls(group)
    html = client.get(group_url).content.decode()
    assert all(f"Person {number:03d}" in html for number in range(3))
    assert members_url not in html


def test_the_members_page_pages_and_leaves_out_who_chose_not_to_be_listed(client, world, monkeypatch):
    community, group = world["community"], world["group"]
    monkeypatch.setattr(pages, "GROUP_MEMBERS_PAGE_SIZE", 4)
    _people(community, group, 9, organization=OrganizationFactory(name="Comune di Torino"))
    _people(community, group, 1, start=500, listed_in_directory=False)
    _, members_url = _urls(group)
    seen = []
    for number in (1, 2, 3):
        body = client.get(members_url, {"page": number}).content.decode()
        seen += [name for name in (f"Person {n:03d}" for n in range(9)) if name in body]
        assert "Person 500" not in body
        assert "Comune di Torino" in body
    assert seen == [f"Person {n:03d}" for n in range(9)]
    assert "Page 3 of 3" in body


def test_the_members_page_is_as_visible_as_the_group(client, world):
    community = world["community"]
    private = GroupFactory(community=community, slug="cabinet", name="Cabinet", visibility=Group.Visibility.PRIVATE)
    inner = GroupFactory(community=community, slug="inner", name="Inner", visibility=Group.Visibility.MEMBERS)
    insider = _people(community, private, 1, start=700)[0]
    assert client.get(_urls(private)[1]).status_code == 404
    assert client.get(_urls(inner)[1]).status_code == 404  # members only: not for visitors
    assert client.get(_urls(world["group"])[1]).status_code == 200  # a public community's open group
    client.force_login(world["outsider"])
    assert client.get(_urls(private)[1]).status_code == 404
    assert client.get(_urls(inner)[1]).status_code == 200
    client.force_login(insider)
    assert "Person 700" in client.get(_urls(private)[1]).content.decode()


def test_the_pages_run_as_many_queries_for_a_large_group_as_for_a_small_one(client, world):
    community, group = world["community"], world["group"]
    client.force_login(world["outsider"])
    _people(community, group, 2)
    client.get(_urls(group)[0])  # what a first visit fills in for the next ones
    client.get(_urls(group)[1])
    counts = []
    for _round in range(2):
        with CaptureQueriesContext(connection) as group_page:
            client.get(_urls(group)[0])
        with CaptureQueriesContext(connection) as members_page:
            client.get(_urls(group)[1])
        counts.append((len(group_page), len(members_page)))
        _people(community, group, 80, start=100)
    assert counts[0] == counts[1]
    assert counts[0][1] <= 12


@pytest.mark.parametrize("language,title", [("it", "Tutte le persone del gruppo"), ("ar", "كل من في هذه المجموعة")])
def test_the_members_page_speaks_the_readers_language(client, world, language, title):
    _people(world["community"], world["group"], 2)
    with translation.override(language):
        body = client.get(_urls(world["group"])[1], HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert title in body
