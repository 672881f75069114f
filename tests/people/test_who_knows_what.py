""" "Who knows what": people found by expertise across the viewer's communities, and nobody else."""

import pytest
from django.urls import reverse

from communities.models import Community
from tests.factories import CommunityFactory, UserFactory, make_member

pytestmark = pytest.mark.django_db

URL = "/people/"


def _expert(community, name, *tags, **extra):
    person = make_member(community, UserFactory(full_name=name, **extra))
    person.expertise.set(list(tags))
    return person


@pytest.fixture
def world(db):
    a = CommunityFactory(name="Community A")
    b = CommunityFactory(name="Community B", visibility=Community.Visibility.MEMBERS)
    viewer = make_member(a, UserFactory(full_name="Vera Viewer"))
    return {
        "a": a,
        "b": b,
        "viewer": viewer,
        "in_a": _expert(a, "Alice InA", "energy planning"),
        "only_b": _expert(b, "Bob OnlyB", "energy planning"),
        "hidden": _expert(a, "Hugo Hidden", "energy planning", listed_in_directory=False),
        "private": _expert(a, "Pia Private", "energy planning", show_expertise=False),
    }


def test_url_is_people_search():
    assert reverse("people_search:search") == URL


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_finds_people_of_shared_communities_only(client, world):
    client.force_login(world["viewer"])
    response = client.get(URL, {"expertise": "energy"})
    names = {card.name for card, _slug in response.context["results"]}
    assert names == {"Alice InA"}
    body = response.content.decode()
    assert "Bob OnlyB" not in body and "Hugo Hidden" not in body and "Pia Private" not in body


def test_the_other_community_appears_once_the_viewer_joins_it(client, world):
    make_member(world["b"], world["viewer"])
    client.force_login(world["viewer"])
    response = client.get(URL, {"expertise": "energy planning"})
    assert {card.name for card, _slug in response.context["results"]} == {"Alice InA", "Bob OnlyB"}


def test_results_link_to_the_profile_in_a_shared_community(client, world):
    client.force_login(world["viewer"])
    body = client.get(URL, {"expertise": "energy"}).content.decode()
    assert f"/c/{world['a'].slug}/members/{world['in_a'].pk}/" in body
    assert "Community A" in body


def test_popular_expertise_counts_only_visible_people(client, world):
    client.force_login(world["viewer"])
    popular = dict(client.get(URL).context["popular"])
    assert popular == {"energy planning": 1}


def test_a_person_in_no_community_finds_nobody(client, world):
    client.force_login(UserFactory())
    response = client.get(URL, {"expertise": "energy"})
    assert response.status_code == 200
    assert response.context["results"] == []
    assert response.context["popular"] == []


def test_queries_stay_constant(client, django_assert_num_queries):
    community = CommunityFactory()
    viewer = make_member(community, UserFactory())
    for n in range(3):
        _expert(community, f"Expert {n}", "urban planning", f"topic {n}")
    client.force_login(viewer)
    client.get(URL, {"expertise": "planning"})
    with django_assert_num_queries(7) as ctx:  # no host-name lookup for "testserver"; the header reads the person once
        client.get(URL, {"expertise": "planning"})
    for n in range(3, 40):
        # More people, in more communities the viewer shares.
        extra = CommunityFactory()
        make_member(extra, viewer)
        _expert(extra if n % 2 else community, f"Expert {n}", "urban planning", f"topic {n}")
    with django_assert_num_queries(len(ctx.captured_queries)):
        client.get(URL, {"expertise": "planning"})
