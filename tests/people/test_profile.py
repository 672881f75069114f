"""A member's profile inside a community: who may open it and what it shows."""

import pytest
from django.urls import reverse

from communities.models import Community
from tests.factories import CommunityFactory, GroupFactory, OrganizationFactory, UserFactory, make_member

pytestmark = pytest.mark.django_db


def profile_url(community, user):
    return reverse("people:member", kwargs={"community_slug": community.slug, "user_id": user.pk})


@pytest.fixture
def person(community):
    org = OrganizationFactory(name="Università di Bologna", city="Bologna")
    user = UserFactory(
        full_name="Paola Profile", organization=org, bio="I run summer schools.", spoken_languages=["it", "en", "ar"]
    )
    user.expertise.set(["summer schools"])
    return make_member(community, user, role="coordinator")


def test_shows_organisation_role_expertise_languages_and_bio(client, community, member, person):
    group = GroupFactory(community=community, name="Training of trainers")
    make_member(community, person, group=group)
    client.force_login(member)
    response = client.get(profile_url(community, person))
    body = response.content.decode()
    assert response.status_code == 200
    for text in [
        "Paola Profile",
        "Università di Bologna",
        "Coordinator",
        "summer schools",
        "I run summer schools.",
        "Italian",
        "English",
        "Arabic",
        "Training of trainers",
    ]:
        assert text in body, text


def main_of(html: str) -> str:
    """Return the page's <main>: the header's menu lists the viewer's own communities, not the person's."""
    return html[html.index("<main") : html.index("</main>")]


def test_lists_only_the_communities_both_share(client, community, member, person):
    shared = CommunityFactory(name="Shared Circle")
    only_theirs = CommunityFactory(name="Their Own Club")
    only_mine = CommunityFactory(name="My Own Club")
    make_member(shared, person)
    make_member(shared, member)
    make_member(only_theirs, person)
    make_member(only_mine, member)
    client.force_login(member)
    body = main_of(client.get(profile_url(community, person)).content.decode())
    assert "Shared Circle" in body
    assert "Their Own Club" not in body
    assert "My Own Club" not in body


def test_hides_shared_communities_when_the_person_says_so(client, community, member, person):
    shared = CommunityFactory(name="Shared Circle")
    make_member(shared, person)
    make_member(shared, member)
    person.show_communities = False
    person.save()
    client.force_login(member)
    assert "Shared Circle" not in main_of(client.get(profile_url(community, person)).content.decode())


def test_a_person_of_another_community_is_404(client, community, member):
    stranger = make_member(CommunityFactory(), UserFactory(full_name="Stranger"))
    client.force_login(member)
    assert client.get(profile_url(community, stranger)).status_code == 404


def test_a_viewer_outside_the_community_gets_404(client, community, person):
    outsider = make_member(CommunityFactory(), UserFactory())
    client.force_login(outsider)
    assert client.get(profile_url(community, person)).status_code == 404


def test_a_member_who_left_is_404(client, community, member, person):
    person.memberships.filter(community=community).update(status="left")
    client.force_login(member)
    assert client.get(profile_url(community, person)).status_code == 404


def test_members_only_community_profile_is_404_to_outsiders(client, person, community):
    community.visibility = Community.Visibility.MEMBERS
    community.save()
    client.force_login(UserFactory())
    assert client.get(profile_url(community, person)).status_code == 404


def test_profile_queries_are_constant(client, community, member, person, django_assert_max_num_queries):
    client.force_login(member)
    with django_assert_max_num_queries(12):
        assert client.get(profile_url(community, person)).status_code == 200
