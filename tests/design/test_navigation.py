"""The header: the current community with the sections the visitor may open, and the person's communities."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communities.models import Community, Membership
from communities.services import membership_leave
from tests.factories import CommunityFactory, GroupFactory, UserFactory, make_member

pytestmark = pytest.mark.django_db


def sections(html: str) -> list[str]:
    """Return the labels of the community bar's section links, in order."""
    bar = re.search(r'<nav class="community-sections".*?</nav>', html, re.S)
    if bar is None:
        return []
    return [label.strip() for label in re.findall(r"<a [^>]*>([^<]+)</a>", bar.group(0))]


def current_section(html: str) -> str:
    bar = re.search(r'<nav class="community-sections".*?</nav>', html, re.S).group(0)
    return re.search(r'<a [^>]*aria-current="page"[^>]*>([^<]+)</a>', bar).group(1).strip()


def my_menu(html: str) -> list[str]:
    """Return the community names listed in the "My communities" menu."""
    menu = re.search(r"<summary>My communities</summary>.*?</details>", html, re.S)
    if menu is None:
        return []
    return re.findall(r"<bdi>([^<]+)</bdi>", menu.group(0).split("portal-menu-footer")[0])


def home(community) -> str:
    return community.get_absolute_url()


def test_a_visitor_sees_a_public_communitys_home_meetings_and_knowledge(client):
    community = CommunityFactory(name="Open Circle")
    html = client.get(home(community)).content.decode()
    assert sections(html) == ["Home", "Meetings", "Knowledge", "Discussions"]
    assert current_section(html) == "Home"
    assert "My communities" not in html, "a visitor has no menu of their own"


def test_a_visitor_sees_only_the_home_of_a_members_only_community(client):
    community = CommunityFactory(visibility=Community.Visibility.MEMBERS)
    assert sections(client.get(home(community)).content.decode()) == ["Home"]


def test_a_member_also_sees_the_members_directory(client):
    community = CommunityFactory()
    client.force_login(make_member(community))
    assert sections(client.get(home(community)).content.decode()) == [
        "Home",
        "Members",
        "Meetings",
        "Knowledge",
        "Discussions",
    ]


def test_a_coordinator_also_sees_reports_and_the_console(client):
    community = CommunityFactory()
    client.force_login(make_member(community, role=Membership.Role.COORDINATOR))
    html = client.get(reverse("communities:manage", kwargs={"community_slug": community.slug})).content.decode()
    assert sections(html) == ["Home", "Members", "Meetings", "Knowledge", "Discussions", "Reports", "Console"]
    assert current_section(html) == "Console"


def test_a_group_facilitator_sees_the_console_but_not_the_reports(client):
    community = CommunityFactory()
    person = make_member(community)
    make_member(community, person, role=Membership.Role.FACILITATOR, group=GroupFactory(community=community))
    client.force_login(person)
    assert sections(client.get(home(community)).content.decode()) == [
        "Home",
        "Members",
        "Meetings",
        "Knowledge",
        "Discussions",
        "Console",
    ]


@pytest.mark.parametrize(
    ("url_name", "label"),
    [
        ("meetings:list", "Meetings"),
        ("knowledge:list", "Knowledge"),
        ("people:directory", "Members"),
        ("discussions:list", "Discussions"),
    ],
)
def test_the_section_of_the_page_is_marked_current(client, url_name, label):
    community = CommunityFactory()
    client.force_login(make_member(community))
    html = client.get(reverse(url_name, kwargs={"community_slug": community.slug})).content.decode()
    assert current_section(html) == label


def test_the_menu_lists_the_persons_active_communities_by_name_and_no_other(client):
    person = UserFactory()
    make_member(CommunityFactory(name="Beta network"), person)
    make_member(CommunityFactory(name="Alpha network"), person, role=Membership.Role.COORDINATOR)
    left = CommunityFactory(name="Left network")
    make_member(left, person)
    membership_leave(user=person, community=left)
    CommunityFactory(name="Stranger network")
    client.force_login(person)
    html = client.get("/").content.decode()
    assert my_menu(html) == ["Alpha network", "Beta network"]
    assert "Coordinator" in html.split("<summary>My communities</summary>")[1].split("</details>")[0]


def test_the_menu_follows_a_join_made_after_it_was_cached(client):
    person = UserFactory()
    client.force_login(person)
    assert my_menu(client.get("/").content.decode()) == []
    make_member(CommunityFactory(name="Newly joined"), person)
    assert my_menu(client.get("/").content.decode()) == ["Newly joined"]


def test_the_header_costs_no_query_once_the_menu_is_cached(client):
    person = UserFactory()
    for n in range(3):
        make_member(CommunityFactory(name=f"Network {n}"), person)
    client.force_login(person)
    url = reverse("accessibility:statement")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(3, 15):
        make_member(CommunityFactory(name=f"Network {n}"), person)
    with CaptureQueriesContext(connection) as many:
        html = client.get(url).content.decode()
    assert len(many) == len(few)
    assert len(my_menu(html)) == 12, "the menu shows twelve and links the rest"
    assert "and 3 more" in html


def test_every_page_has_a_skip_link_to_main_and_links_the_accessibility_statement(client):
    html = client.get("/").content.decode()
    assert '<a class="visually-hidden-focusable skip-link" href="#main">' in html
    assert '<main id="main"' in html
    assert f'href="{reverse("accessibility:statement")}"' in html


def test_the_sign_out_and_account_links_are_in_the_persons_menu(client):
    person = UserFactory(full_name="Mena Menu")
    client.force_login(person)
    html = client.get("/").content.decode()
    menu = html.split("<summary><bdi>Mena Menu</bdi></summary>")[1].split("</details>")[0]
    for url in [reverse("members:profile"), reverse("me:notifications"), reverse("account_email")]:
        assert f'href="{url}"' in menu
    assert 'action="/accounts/logout/"' in menu


@pytest.mark.parametrize("url_name", ["communities:group", "communities:group_members"])
def test_a_groups_pages_belong_to_the_communitys_home(client, url_name):
    from tests.factories import GroupFactory

    group = GroupFactory(community=CommunityFactory())
    kwargs = {"community_slug": group.community.slug, "group_slug": group.slug}
    assert current_section(client.get(reverse(url_name, kwargs=kwargs)).content.decode()) == "Home"
