"""The network map: only what the viewer may see, shared themes, organisations and people in several communities."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communities.models import Community, PartnerRole, Partnership
from cop_portal.reports.network import layout, network_graph
from tests.factories import CommunityFactory, OrganizationFactory, UserFactory, make_member

URL = reverse("network:map")


def labels(nodes) -> set[str]:
    return {node.label for node in nodes}


def partner(community, organisation):
    role, _created = PartnerRole.objects.get_or_create(community=community, name="Partner")
    Partnership.objects.create(community=community, organization=organisation, role=role)


@pytest.fixture
def network(db):
    alpha = CommunityFactory(slug="alpha", name="Alpha", countries=["IT"])
    beta = CommunityFactory(slug="beta", name="Beta", countries=["FR", "IT"])
    gamma = CommunityFactory(slug="gamma", name="Gamma", visibility=Community.Visibility.MEMBERS, countries=["IT"])
    delta = CommunityFactory(slug="delta", name="Delta", visibility=Community.Visibility.HIDDEN, countries=["IT"])
    alpha.themes.set(["water", "energy"])
    beta.themes.set(["water", "mobility"])
    gamma.themes.set(["water", "energy", "secret theme"])
    delta.themes.set(["secret theme"])
    shared = OrganizationFactory(name="Shared city", country="IT")
    partner(alpha, shared)
    partner(beta, shared)
    closed = OrganizationFactory(name="Closed partner", country="IT")
    partner(alpha, closed)
    partner(gamma, closed)
    lonely = OrganizationFactory(name="Lonely partner", country="FR")
    partner(beta, lonely)
    viewer = make_member(alpha, UserFactory(full_name="Vera Viewer"))
    people = {
        "pia": UserFactory(full_name="Pia Public", show_in_network=True, country="FR"),
        "quinn": UserFactory(full_name="Quinn Quiet", show_in_network=False),
        "rita": UserFactory(full_name="Rita Reserved", show_in_network=True),
        "sam": UserFactory(full_name="Sam Unlisted", show_in_network=True, listed_in_directory=False),
        "tom": UserFactory(full_name="Tom Stranger", show_in_network=True),
    }
    for key in ("pia", "quinn", "sam"):
        make_member(alpha, people[key])
        make_member(beta, people[key])
    make_member(alpha, people["rita"])
    make_member(gamma, people["rita"])
    make_member(beta, people["tom"])  # shares no community with the viewer
    make_member(delta, people["tom"])
    return {"alpha": alpha, "beta": beta, "gamma": gamma, "delta": delta, "viewer": viewer, **people}


def test_anonymous_visitors_see_public_communities_their_shared_themes_and_partners_but_nobody(client, network):
    html = client.get(URL).content.decode()
    graph = network_graph(user=client.get(URL).wsgi_request.user)
    assert labels(graph.communities) == {"Alpha", "Beta"}
    assert labels(graph.themes) == {"water"}
    assert labels(graph.organisations) == {"Shared city"}
    assert graph.people == []
    for hidden in ("Gamma", "Delta", "secret theme", "Closed partner", "Pia Public", "Rita Reserved"):
        assert hidden not in html


def test_people_appear_only_when_they_chose_to_and_the_viewer_shares_a_community(client, network):
    graph = network_graph(user=network["viewer"])
    assert labels(graph.people) == {"Pia Public"}
    pia = graph.people[0]
    assert {node.label for node in pia.linked} == {"Alpha", "Beta"}
    assert pia.href == reverse("people:member", kwargs={"community_slug": "alpha", "user_id": network["pia"].pk})
    client.force_login(network["viewer"])
    html = client.get(URL).content.decode()
    assert "Pia Public" in html
    for absent in ("Quinn Quiet", "Sam Unlisted", "Tom Stranger", "Rita Reserved"):
        assert absent not in html


def test_a_member_of_a_members_only_community_sees_it_and_its_links(client, network):
    insider = make_member(network["gamma"], UserFactory())
    make_member(network["alpha"], insider)
    graph = network_graph(user=insider)
    assert labels(graph.communities) == {"Alpha", "Beta", "Gamma"}
    assert labels(graph.themes) == {"water", "energy"}
    assert labels(graph.organisations) == {"Shared city", "Closed partner"}
    assert labels(graph.people) == {"Pia Public", "Rita Reserved"}
    assert "Delta" not in labels(graph.communities)


def test_filters_by_theme_and_country(client, network):
    client.force_login(network["viewer"])
    by_theme = network_graph(user=network["viewer"], theme="mobility")
    assert labels(by_theme.communities) == {"Beta"} and labels(by_theme.themes) == {"mobility"}
    by_country = network_graph(user=network["viewer"], country="FR")
    assert labels(by_country.communities) == {"Beta"}
    assert by_country.organisations == [] and by_country.people == []  # nothing joins two French communities
    html = client.get(URL + "?theme=water&country=IT").content.decode()
    assert '<option value="water" selected>' in html and '<option value="IT" selected>' in html
    assert "Shared city" in html


def test_an_unknown_filter_is_refused_with_a_message_and_changes_nothing(client, network):
    response = client.get(URL + "?theme=secret-theme&country=ZZ")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Select a valid choice" in html
    assert "Alpha" in html and "Beta" in html  # the whole map, unfiltered
    assert "secret theme" not in html


def test_the_map_is_an_accessible_drawing_with_lists_beside_it(client, network):
    client.force_login(network["viewer"])
    html = client.get(URL).content.decode()
    assert 'role="group" aria-labelledby="network-title network-desc"' in html
    assert '<title id="network-title">' in html and '<desc id="network-desc">' in html
    assert '<a href="/c/alpha/" aria-label="Alpha (community)">' in html
    assert 'aria-label="Shared city (organisation)"' in html
    assert 'id="network-list"' in html and "Organisations in several communities" in html


def test_the_layout_is_deterministic_and_draws_an_edge_per_membership(network):
    graph = network_graph(user=network["viewer"])
    first, second = layout(graph), layout(network_graph(user=network["viewer"]))
    assert [(p.x, p.y) for p in first.communities] == [(p.x, p.y) for p in second.communities]
    assert [(p.x, p.y) for p in first.outer] == [(p.x, p.y) for p in second.outer]
    assert len(first.edges) == sum(len(node.links) for node in graph.outer)


def test_the_map_runs_a_fixed_number_of_queries(client, network):
    client.force_login(network["viewer"])
    client.get(URL)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        return len(queries)

    small = count()
    for index in range(6):
        extra = CommunityFactory(name=f"Extra {index}", countries=["IT"])
        extra.themes.set(["water", f"theme {index}"])
        partner(extra, OrganizationFactory(name=f"Org {index}"))
        partner(network["alpha"], OrganizationFactory(name=f"Org {index}-b"))
        person = UserFactory(show_in_network=True)
        make_member(extra, person)
        make_member(network["alpha"], person)
    assert count() == small
