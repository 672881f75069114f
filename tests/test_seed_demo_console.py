"""The demo data makes the coordinator console meaningful: groups in order, themes, roles, a proposal, history."""

import pytest
from django.urls import reverse

from communities.models import CommunityEvent, Group, PartnerRole, Theme
from communities.selectors_organisations import organisation_proposals
from cop_portal import demo_data as demo_spec
from members.models import User

pytestmark = pytest.mark.django_db


def test_rebuild_s_ten_coordination_teams_come_in_their_natural_order(demo_data):
    teams = Group.objects.filter(community__slug="rebuild").in_order()
    assert [team.name for team in teams] == [f"Coordination team {n}" for n in range(1, 11)]
    assert [team.position for team in teams] == list(range(1, 11))


def test_con_i_bambini_s_sixteen_groups_come_by_call_then_macro_area(demo_data):
    groups = Group.objects.filter(community__slug="con-i-bambini").in_order()
    expected = next(spec["groups"] for spec in demo_spec.COMMUNITIES if spec["slug"] == "con-i-bambini")
    assert [group.slug for group in groups] == [slug for slug, *_rest in expected]
    assert len(expected) == 16


@pytest.mark.parametrize("slug", ["rebuild", "capitale-naturale", "con-i-bambini", "er-step", "multiply"])
def test_every_launch_community_has_a_theme_vocabulary(demo_data, slug):
    assert Theme.objects.filter(community__slug=slug, retired_at__isnull=True).count() >= 5


def test_partner_roles_are_seeded(demo_data):
    assert list(PartnerRole.objects.filter(community__slug="multiply").values_list("name", flat=True)) == [
        "Multiply City",
        "On the Road City",
        "Special Prize City",
    ]


def test_multiply_s_coordinator_finds_a_proposal_to_verify_and_a_pending_request(client, demo_data):
    from communities.models import Community

    multiply = Community.objects.get(slug="multiply")
    [proposal] = organisation_proposals(multiply)
    assert (proposal.name, proposal.is_verified, proposal.proposed_by.full_name) == (
        "Comune di Treviso",
        False,
        "Chiara Zanon",
    )
    client.force_login(User.objects.get(email="coordinator.multiply@cop.demo"))
    page = client.get(reverse("communities:manage_organisations", kwargs={"community_slug": "multiply"}))
    assert "Comune di Treviso" in page.content.decode()
    console = client.get(reverse("communities:manage", kwargs={"community_slug": "multiply"})).content.decode()
    assert "Chiara Zanon" in console  # her request waits for the verification and a decision


def test_the_console_history_shows_who_named_the_facilitators(client, demo_data):
    events = CommunityEvent.objects.filter(
        community__slug="con-i-bambini", action=CommunityEvent.Action.FACILITATOR_NAMED
    )
    assert events.count() == 3
    assert {event.actor.email for event in events} == {"coordinator.con-i-bambini@cop.demo"}
    client.force_login(User.objects.get(email="coordinator.rebuild@cop.demo"))
    history = client.get(reverse("communities:manage_history", kwargs={"community_slug": "rebuild"}))
    assert history.status_code == 200
    assert CommunityEvent.objects.filter(community__slug="rebuild").count() == 2
