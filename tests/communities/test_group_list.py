"""A community's groups page, and its home listing the first groups only (issue 15).

REBUILD at network scale has 80 groups: the home listed them all, with a join button each (160 KB
of the page and most of its time). The home now lists the first HOME_GROUPS in the coordinators'
order and links to /c/<slug>/groups/, which lists them all, GROUPS_PAGE_SIZE a page.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communities.models import Community, Group, Membership
from communities.views.pages import GROUPS_PAGE_SIZE, HOME_GROUPS, HOME_LEADERS
from tests.factories import CommunityFactory, GroupFactory, UserFactory, make_member

pytestmark = pytest.mark.django_db


def groups_url(community, page=None) -> str:
    url = reverse("communities:groups", kwargs={"community_slug": community.slug})
    return f"{url}?page={page}" if page else url


@pytest.fixture
def busy():
    """A public community with more groups than a page of them, one private, in the coordinators' order."""
    community = CommunityFactory(slug="busy", visibility=Community.Visibility.PUBLIC)
    for n in range(GROUPS_PAGE_SIZE + 2):
        GroupFactory(community=community, name=f"Working group {n + 1}", slug=f"wg-{n + 1}", position=n)
    GroupFactory(
        community=community, name="Steering room", slug="steering", position=0, visibility=Group.Visibility.PRIVATE
    )
    return community


def _names(response) -> list[str]:
    return [group.name for group in response.context["groups"]]


def test_the_home_lists_the_first_groups_and_links_to_all_of_them(client, busy):
    response = client.get(busy.get_absolute_url())

    assert _names(response) == [f"Working group {n + 1}" for n in range(HOME_GROUPS)]
    assert response.context["groups_total"] == GROUPS_PAGE_SIZE + 2  # the private group is not counted
    page = response.content.decode()
    assert f'href="{groups_url(busy)}"' in page
    assert f"See all {GROUPS_PAGE_SIZE + 2} groups" in page
    assert "Steering room" not in page


def test_a_home_with_few_groups_lists_them_all_without_the_link(client):
    community = CommunityFactory(visibility=Community.Visibility.PUBLIC)
    GroupFactory(community=community, name="Only group")

    response = client.get(community.get_absolute_url())

    assert _names(response) == ["Only group"]
    assert f'href="{groups_url(community)}"' not in response.content.decode()


def test_the_groups_page_lists_every_visible_group_page_by_page(client, busy):
    first = client.get(groups_url(busy))
    second = client.get(groups_url(busy, page=2))

    assert first.status_code == second.status_code == 200
    assert _names(first) == [f"Working group {n + 1}" for n in range(GROUPS_PAGE_SIZE)]
    assert _names(second) == [f"Working group {GROUPS_PAGE_SIZE + 1}", f"Working group {GROUPS_PAGE_SIZE + 2}"]
    assert "Steering room" not in first.content.decode() + second.content.decode()
    assert f"{GROUPS_PAGE_SIZE + 2} groups, in the coordinators" in first.content.decode()
    # A page number past the end shows the last page, as every list of the portal does.
    assert _names(client.get(groups_url(busy, page=99))) == _names(second)


def test_members_of_the_private_group_and_coordinators_see_it_listed(client, busy):
    steering = Group.objects.get(slug="steering")
    insider = make_member(busy, group=steering, user=make_member(busy))
    coordinator = make_member(busy, role=Membership.Role.COORDINATOR)
    for person in (insider, coordinator):
        client.force_login(person)
        assert "Steering room" in _names(client.get(groups_url(busy)))
    client.force_login(make_member(busy))
    assert "Steering room" not in _names(client.get(groups_url(busy)))


def test_the_groups_page_offers_each_groups_join_button_to_a_member(client, busy):
    member = make_member(busy)
    client.force_login(member)

    page = client.get(groups_url(busy)).content.decode()

    join = reverse("communities:group_join", kwargs={"community_slug": busy.slug, "group_slug": "wg-1"})
    assert f'action="{join}"' in page


def test_a_members_only_communitys_groups_are_not_shown_to_outsiders(client):
    closed = CommunityFactory(visibility=Community.Visibility.MEMBERS)
    GroupFactory(community=closed, name="Hidden work")

    anonymous = client.get(groups_url(closed))
    client.force_login(UserFactory())
    outsider = client.get(groups_url(closed))

    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert outsider.status_code == 404
    client.force_login(make_member(closed))
    assert _names(client.get(groups_url(closed))) == ["Hidden work"]


def test_a_facilitator_of_a_group_past_the_first_ones_keeps_the_console_link_on_the_home(client, busy):
    last = Group.objects.get(slug=f"wg-{GROUPS_PAGE_SIZE + 2}")
    facilitator = make_member(busy, group=last, role=Membership.Role.FACILITATOR, user=make_member(busy))
    client.force_login(facilitator)

    response = client.get(busy.get_absolute_url())

    assert last.name not in _names(response)
    assert response.context["has_console"] is True


def test_the_groups_page_runs_the_same_queries_for_few_and_many_groups(client, busy):
    member = make_member(busy)
    client.force_login(member)
    small = CommunityFactory(visibility=Community.Visibility.PUBLIC)
    GroupFactory(community=small)
    make_member(small, user=member)

    def count(url):
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries.captured_queries)

    assert count(groups_url(small)) == count(groups_url(busy))


def test_the_home_lists_the_coordinators_first_and_says_how_many_facilitators_more(client, busy):
    """Issue 15: a network's largest community has about a hundred leaders: 13 ms and 25 KB of its home."""
    coordinator = make_member(busy, UserFactory(full_name="Cora Coordinator"), role=Membership.Role.COORDINATOR)
    groups = list(Group.objects.filter(community=busy, visibility=Group.Visibility.PUBLIC).order_by("position"))
    for n, group in enumerate(groups[: HOME_LEADERS + 4]):
        make_member(busy, UserFactory(full_name=f"Facilitator {n:02}"), role=Membership.Role.FACILITATOR, group=group)

    response = client.get(busy.get_absolute_url())

    leaders = response.context["leaders"]
    assert len(leaders) == HOME_LEADERS and leaders[0].user == coordinator
    assert response.context["leaders_more"] == 5  # 1 coordinator + 16 facilitators - 12 shown
    page = response.content.decode()
    assert "And 5 more facilitators, on the groups' pages" in page
    assert "Facilitator · <bdi>Working group 1</bdi>" in page  # a group's name is isolated, as every name
    italian = client.get(busy.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="it").content.decode()
    assert "E altri 5 facilitatori, nelle pagine dei gruppi" in italian


def test_a_home_with_few_leaders_lists_them_all_without_the_note(client, busy):
    make_member(busy, UserFactory(full_name="Cora Coordinator"), role=Membership.Role.COORDINATOR)
    response = client.get(busy.get_absolute_url())
    assert [m.user.full_name for m in response.context["leaders"]] == ["Cora Coordinator"]
    assert response.context["leaders_more"] == 0
    assert "more facilitator" not in response.content.decode()
