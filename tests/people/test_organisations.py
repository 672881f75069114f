"""Organisations (issue 13): the profile's organisation search, proposals, verification and merges."""

import pytest
from django.contrib.admin.sites import AdminSite
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory
from django.urls import reverse

from communities.models import Community, CommunityEvent, Group, Invitation, Membership, PartnerRole, Partnership
from communities.selectors import eligibility_error
from communities.services import MembershipError, membership_approve, membership_join, membership_request
from members import organisations
from members.admin import OrganizationAdmin
from members.models import Organization, User
from members.services import MAX_OPEN_PROPOSALS, OrganisationError, organization_propose
from tests.factories import CommunityFactory, GroupFactory, OrganizationFactory, UserFactory, make_member

pytestmark = pytest.mark.django_db

PROFILE = "/people/profile/"
PROPOSE = "/people/profile/organisation/"
MUNICIPALITY = Organization.Kind.MUNICIPALITY


def _profile(**overrides):
    data = {
        "full_name": "Nadia Nuova",
        "job_title": "Planner",
        "country": "IT",
        "time_zone": "Europe/Rome",
        "language": "en",
        "expertise": "",
        "spoken_languages": "",
        "bio": "",
    }
    data.update(overrides)
    return data


def _partner(community, organization):
    role, _created = PartnerRole.objects.get_or_create(community=community, name="Partner")
    return Partnership.objects.create(community=community, organization=organization, role=role)


def _many(count, prefix="Comune di Paese"):
    return [OrganizationFactory(name=f"{prefix} {n:02d}") for n in range(count)]


def _proposal(person, name="Comune di Nuovo Borgo", kind=MUNICIPALITY):
    return organization_propose(by=person, name=name, kind=kind, country="IT", city="Nuovo Borgo")


@pytest.fixture
def hidden_partner(db):
    hidden = CommunityFactory(slug="hidden-cop", visibility=Community.Visibility.HIDDEN)
    return _partner(hidden, OrganizationFactory(name="Segreta Partner SpA")).organization


@pytest.fixture
def reserved(db):
    """A community reserved to municipalities, taking members on request, with its coordinator."""
    community = CommunityFactory(
        slug="reserved-cop",
        name="Local administrators",
        join_policy=Community.JoinPolicy.APPROVAL,
        eligible_organization_kinds=[MUNICIPALITY],
    )
    coordinator = make_member(community, UserFactory(full_name="Cora Coordinator"), role=Membership.Role.COORDINATOR)
    return community, coordinator


def _console(community, name, **kwargs):
    return reverse(f"communities:{name}", kwargs={"community_slug": community.slug, **kwargs})


# --- Who sees which organisation ------------------------------------------------------------------------


def test_visible_organisations_hide_partners_of_members_only_and_hidden_communities(hidden_partner):
    public = CommunityFactory(visibility=Community.Visibility.PUBLIC)
    members_only = CommunityFactory(visibility=Community.Visibility.MEMBERS)
    public_partner = _partner(public, OrganizationFactory(name="Public partner")).organization
    members_partner = _partner(members_only, OrganizationFactory(name="Members partner")).organization
    plain = OrganizationFactory(name="Plain listed")
    someone_elses_proposal = OrganizationFactory(name="Not verified", is_verified=False)
    person = UserFactory()

    visible = set(organisations.visible_to(person))
    assert {public_partner, plain} <= visible
    assert not visible & {hidden_partner, members_partner, someone_elses_proposal}

    make_member(members_only, person)
    assert members_partner in set(organisations.visible_to(person))


def test_own_organisation_and_own_proposals_are_visible(hidden_partner):
    person = UserFactory(organization=hidden_partner)
    mine = OrganizationFactory(name="Mine, unverified", is_verified=False, proposed_by=person)
    assert {hidden_partner, mine} <= set(organisations.visible_to(person))


def test_short_list_is_a_select_without_the_hidden_partner(client, hidden_partner):
    _many(3)
    person = UserFactory()
    client.force_login(person)
    body = client.get(PROFILE).content.decode()
    assert '<select name="organization"' in body
    assert "Comune di Paese 01" in body
    assert "Segreta Partner" not in body
    assert 'name="organization_search"' not in body
    assert reverse("members:organisation_propose") in body


def test_a_tampered_id_of_a_hidden_partner_is_refused(client, hidden_partner):
    person = UserFactory()
    client.force_login(person)
    response = client.post(PROFILE, _profile(organization=str(hidden_partner.pk)))
    assert response.status_code == 200
    assert "Choose an organisation from the list." in response.content.decode()
    person.refresh_from_db()
    assert person.organization is None


def test_a_tampered_id_is_refused_in_the_search_form_too(client, hidden_partner):
    _many(organisations.SHORT_LIST + 1)
    person = UserFactory()
    client.force_login(person)
    response = client.post(PROFILE, _profile(organization_search="Segreta", organization=str(hidden_partner.pk)))
    assert "Choose an organisation from the list." in response.content.decode()
    person.refresh_from_db()
    assert person.organization is None


def test_a_long_list_is_searched_without_javascript(client, hidden_partner):
    _many(organisations.SHORT_LIST + 5)
    wanted = OrganizationFactory(name="Comune di Casalecchio di Reno")
    OrganizationFactory(name="Comune di Casalecchio di Sopra")
    person = UserFactory()
    client.force_login(person)

    body = client.get(PROFILE).content.decode()
    assert 'name="organization_search"' in body
    assert '<select name="organization"' not in body  # 300 organisations are not sent in a select
    assert "Comune di Paese 01" not in body

    # Several match: the form comes back with them as choices, and nothing is saved.
    response = client.post(PROFILE, _profile(organization_search="casalecchio"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "More than one organisation matches" in body
    assert f'type="radio" name="organization" id="id_organization_0" value="{wanted.pk}"' in body
    assert "Segreta" not in body
    person.refresh_from_db()
    assert person.organization is None

    # Picking one saves it.
    response = client.post(PROFILE, _profile(organization_search="casalecchio", organization=str(wanted.pk)))
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.organization == wanted


def test_one_exact_name_is_taken_and_none_gets_a_message(client, hidden_partner):
    _many(organisations.SHORT_LIST + 1)
    exact = OrganizationFactory(name="Comune di Paese")  # also a part of the 31 others' names
    person = UserFactory()
    client.force_login(person)
    assert client.post(PROFILE, _profile(organization_search="comune di paese")).status_code == 302
    person.refresh_from_db()
    assert person.organization == exact

    response = client.post(PROFILE, _profile(organization_search="Segreta Partner SpA"))
    assert "No organisation matches" in response.content.decode()
    person.refresh_from_db()
    assert person.organization == exact

    # Leaving the current name unchanged keeps it; emptying the field clears it.
    assert client.post(PROFILE, _profile(organization_search="Comune di Paese")).status_code == 302
    person.refresh_from_db()
    assert person.organization == exact
    assert client.post(PROFILE, _profile(organization_search="")).status_code == 302
    person.refresh_from_db()
    assert person.organization is None


def test_profile_page_query_count_does_not_grow_with_organisations(client, django_assert_max_num_queries):
    person = UserFactory()
    client.force_login(person)
    _many(2)
    with django_assert_max_num_queries(20) as few:
        client.get(PROFILE)
    _many(organisations.SHORT_LIST - 2, prefix="Altro")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(PROFILE)
    _many(200, prefix="Molti")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(PROFILE)


# --- "My organisation is not listed" -------------------------------------------------------------------


def test_a_proposal_is_on_the_profile_at_once_and_unverified(client):
    person = UserFactory()
    client.force_login(person)
    data = {"name": "Comune di Nuovo Borgo", "kind": MUNICIPALITY, "city": "Nuovo Borgo", "country": "IT"}
    response = client.post(PROPOSE, data)
    assert response.status_code == 302
    person.refresh_from_db()
    proposal = person.organization
    assert proposal.name == "Comune di Nuovo Borgo"
    assert not proposal.is_verified and proposal.proposed_by == person
    # A retried POST creates nothing more.
    assert client.post(PROPOSE, data).status_code == 302
    assert Organization.objects.filter(name="Comune di Nuovo Borgo").count() == 1
    # The profile page shows it, and saving the profile keeps it.
    assert client.post(PROFILE, _profile(organization=str(proposal.pk))).status_code == 302
    person.refresh_from_db()
    assert person.organization == proposal


def test_a_duplicate_is_refused_and_the_listed_one_offered(client):
    listed = OrganizationFactory(name="Comune di Bologna", country="IT")
    person = UserFactory()
    client.force_login(person)
    data = {"name": "comune di  bologna", "kind": MUNICIPALITY, "city": "Bologna", "country": "IT"}
    response = client.post(PROPOSE, data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "is already listed in this country" in body
    assert 'name="use_existing"' in body
    assert Organization.objects.count() == 1
    assert client.post(PROPOSE, {**data, "use_existing": "1"}).status_code == 302
    person.refresh_from_db()
    assert person.organization == listed
    assert Organization.objects.count() == 1


def test_a_person_has_at_most_a_few_open_proposals(client):
    person = UserFactory()
    for n in range(MAX_OPEN_PROPOSALS):
        _proposal(person, name=f"Proposal {n}")
    with pytest.raises(OrganisationError) as error:
        _proposal(person, name="One too many")
    assert error.value.code == "too_many"
    client.force_login(person)
    response = client.post(PROPOSE, {"name": "Another", "kind": MUNICIPALITY, "country": "IT"})
    assert "awaiting verification" in response.content.decode()
    assert not Organization.objects.filter(name="Another").exists()


def test_bad_proposal_input_gets_a_message_and_changes_nothing(client):
    person = UserFactory()
    client.force_login(person)
    response = client.post(PROPOSE, {"name": "", "kind": "castle", "country": "IT"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Organization.objects.exists()


# --- Eligibility: an unverified organisation does not count ---------------------------------------------


def test_unverified_organisation_does_not_count_for_a_reserved_place(reserved):
    community, _coordinator = reserved
    person = UserFactory()
    _proposal(person)
    person.refresh_from_db()
    assert "awaits verification" in eligibility_error(user=person, place=community)

    open_group = GroupFactory(
        community=community, join_policy=Community.JoinPolicy.OPEN, eligible_organization_kinds=[MUNICIPALITY]
    )
    make_member(community, person)
    with pytest.raises(MembershipError) as error:
        membership_join(user=person, community=community, group=open_group)
    assert "awaits verification" in error.value.text


def test_coordinator_verifies_then_the_request_is_approved(client, reserved):
    community, coordinator = reserved
    person = UserFactory(full_name="Nadia Nuova")
    proposal = _proposal(person)
    person.refresh_from_db()
    request = membership_request(user=person, community=community)
    assert request.status == Membership.Status.PENDING
    with pytest.raises(MembershipError) as error:
        membership_approve(membership=request, by=coordinator)
    assert error.value.code == "organisation_unverified"

    client.force_login(coordinator)
    page = client.get(_console(community, "manage_organisations"))
    assert page.status_code == 200
    assert "Comune di Nuovo Borgo" in page.content.decode()

    url = _console(community, "manage_organisation_verify", organization_pk=proposal.pk)
    response = client.post(url, {f"o{proposal.pk}-kind": MUNICIPALITY})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.is_verified and proposal.verified_by == coordinator
    assert client.post(url, {f"o{proposal.pk}-kind": MUNICIPALITY}).status_code == 302  # a retry
    events = CommunityEvent.objects.filter(community=community, action=CommunityEvent.Action.ORGANISATION_VERIFIED)
    assert events.count() == 1
    assert events.get().actor == coordinator

    person.refresh_from_db()
    assert eligibility_error(user=person, place=community) == ""
    assert membership_approve(membership=request, by=coordinator).status == Membership.Status.ACTIVE


def test_verifying_can_correct_the_kind(client, reserved):
    community, coordinator = reserved
    person = UserFactory()
    proposal = _proposal(person, kind=Organization.Kind.NGO)
    make_member(community, person)  # e.g. invited
    client.force_login(coordinator)
    url = _console(community, "manage_organisation_verify", organization_pk=proposal.pk)
    client.post(url, {f"o{proposal.pk}-kind": MUNICIPALITY})
    proposal.refresh_from_db()
    assert proposal.kind == MUNICIPALITY and proposal.is_verified
    event = CommunityEvent.objects.get(action=CommunityEvent.Action.ORGANISATION_VERIFIED)
    assert event.changes["kind"] == [Organization.Kind.NGO, MUNICIPALITY]


def test_merge_moves_people_partnerships_and_invitations(client, reserved):
    community, coordinator = reserved
    listed = OrganizationFactory(name="Comune di Bologna")
    proposer = UserFactory()
    proposal = _proposal(proposer, name="Comune Bologna")
    colleague = UserFactory(organization=proposal)
    membership_request(user=proposer, community=community)
    other = CommunityFactory()
    _partner(other, proposal)
    _partner(community, proposal)
    _partner(community, listed)  # the same role already: the proposal's duplicate is dropped
    invitation = Invitation.objects.create(
        community=community, email="x@example.org", organization=proposal, key="k" * 20, expires_at="2099-01-01T00:00Z"
    )

    client.force_login(coordinator)
    url = _console(community, "manage_organisation_merge", organization_pk=proposal.pk)
    response = client.post(url, {"into_search": "Comune di Bologna"})
    assert response.status_code == 302
    assert not Organization.objects.filter(pk=proposal.pk).exists()
    assert set(User.objects.filter(organization=listed)) == {proposer, colleague}
    assert Partnership.objects.filter(organization=listed).count() == 2
    invitation.refresh_from_db()
    assert invitation.organization == listed
    event = CommunityEvent.objects.get(community=community, action=CommunityEvent.Action.ORGANISATION_MERGED)
    assert event.changes["organisation"] == ["Comune Bologna", "Comune di Bologna"]
    # A retried merge changes nothing more.
    assert client.post(url, {"into_search": "Comune di Bologna"}).status_code == 302
    assert CommunityEvent.objects.filter(action=CommunityEvent.Action.ORGANISATION_MERGED).count() == 1


def test_merge_with_several_matches_asks_to_choose(client, reserved):
    community, coordinator = reserved
    first = OrganizationFactory(name="Comune di Reggio Emilia")
    OrganizationFactory(name="Comune di Reggio Calabria")
    proposer = UserFactory()
    proposal = _proposal(proposer, name="Reggio")
    make_member(community, proposer)
    client.force_login(coordinator)
    url = _console(community, "manage_organisation_merge", organization_pk=proposal.pk)
    response = client.post(url, {"into_search": "reggio"})
    assert response.status_code == 200
    assert "More than one organisation matches" in response.content.decode()
    assert Organization.objects.filter(pk=proposal.pk).exists()
    assert client.post(url, {"into_search": "reggio", "into": str(first.pk)}).status_code == 302
    proposer.refresh_from_db()
    assert proposer.organization == first


def test_merge_refuses_a_target_the_coordinator_cannot_see(client, reserved, hidden_partner):
    community, coordinator = reserved
    proposer = UserFactory()
    proposal = _proposal(proposer)
    make_member(community, proposer)
    client.force_login(coordinator)
    url = _console(community, "manage_organisation_merge", organization_pk=proposal.pk)
    response = client.post(url, {"into": str(hidden_partner.pk)})
    assert "Choose an organisation from the list." in response.content.decode()
    assert Organization.objects.filter(pk=proposal.pk).exists()


def test_only_proposals_of_the_communitys_people_are_listed(client, reserved):
    community, coordinator = reserved
    stranger = UserFactory()
    elsewhere = _proposal(stranger, name="Somewhere else")
    client.force_login(coordinator)
    assert "Somewhere else" not in client.get(_console(community, "manage_organisations")).content.decode()
    url = _console(community, "manage_organisation_verify", organization_pk=elsewhere.pk)
    client.post(url, {f"o{elsewhere.pk}-kind": MUNICIPALITY})
    elsewhere.refresh_from_db()
    assert not elsewhere.is_verified


def test_a_community_reserved_to_no_kind_verifies_nothing(client):
    community = CommunityFactory()
    coordinator = make_member(community, role=Membership.Role.COORDINATOR)
    person = make_member(community)
    proposal = _proposal(person)
    client.force_login(coordinator)
    body = client.get(_console(community, "manage_organisations")).content.decode()
    assert "nothing to verify here" in body
    assert "Comune di Nuovo Borgo" not in body
    client.post(_console(community, "manage_organisation_verify", organization_pk=proposal.pk), {})
    proposal.refresh_from_db()
    assert not proposal.is_verified


@pytest.mark.parametrize("who", ["facilitator", "member", "outsider", "anonymous"])
def test_verification_pages_are_404_for_everyone_but_coordinators(client, reserved, who):
    community, _coordinator = reserved
    person = UserFactory()
    proposal = _proposal(person)
    membership_request(user=person, community=community)
    group = GroupFactory(community=community)
    if who == "facilitator":
        client.force_login(make_member(community, role=Membership.Role.FACILITATOR, group=group))
    elif who == "member":
        client.force_login(make_member(community))
    elif who == "outsider":
        client.force_login(UserFactory())
    pages = [
        ("get", _console(community, "manage_organisations")),
        ("post", _console(community, "manage_organisation_verify", organization_pk=proposal.pk)),
        ("post", _console(community, "manage_organisation_merge", organization_pk=proposal.pk)),
    ]
    for method, url in pages:
        response = getattr(client, method)(url, {f"o{proposal.pk}-kind": MUNICIPALITY})
        if who == "anonymous":
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        else:
            assert response.status_code == 404, url
    proposal.refresh_from_db()
    assert not proposal.is_verified
    assert not CommunityEvent.objects.exists()


def test_console_list_query_count_is_constant(client, reserved, django_assert_max_num_queries):
    community, coordinator = reserved
    client.force_login(coordinator)
    for n in range(2):
        _proposal(make_member(community), name=f"Few {n}")
    url = _console(community, "manage_organisations")
    with django_assert_max_num_queries(40) as few:
        assert client.get(url).status_code == 200
    for n in range(10):
        _proposal(make_member(community), name=f"Many {n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = client.get(url).content.decode()
    assert "Many 9" in body


# --- Staff: the admin ------------------------------------------------------------------------------------


def _admin_request(user):
    request = RequestFactory().post("/admin/members/organization/")
    request.user = user
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def test_admin_lists_proposals_and_verifies_and_merges_through_the_services():
    staff = UserFactory(is_staff=True, is_superuser=True)
    listed = OrganizationFactory(name="Comune di Modena")
    proposer = UserFactory()
    first = _proposal(proposer, name="Modena comune")
    second = _proposal(proposer, name="Comune Modena")
    admin = OrganizationAdmin(Organization, AdminSite())
    assert "is_verified" in admin.list_filter and "proposed_by" in admin.list_display

    admin.verify_selected(_admin_request(staff), Organization.objects.filter(pk=first.pk))
    first.refresh_from_db()
    assert first.is_verified and first.verified_by == staff

    admin.merge_selected(_admin_request(staff), Organization.objects.filter(pk__in=[listed.pk, second.pk]))
    assert not Organization.objects.filter(pk=second.pk).exists()
    proposer.refresh_from_db()
    assert proposer.organization == listed


def test_group_reserved_is_enough_for_the_page(client):
    community = CommunityFactory()
    Group.objects.create(community=community, slug="admins", name="Admins", eligible_organization_kinds=[MUNICIPALITY])
    coordinator = make_member(community, role=Membership.Role.COORDINATOR)
    proposal = _proposal(make_member(community))
    client.force_login(coordinator)
    assert proposal.name in client.get(_console(community, "manage_organisations")).content.decode()


def test_an_open_reserved_community_takes_a_request_while_the_organisation_awaits_verification(client):
    community = CommunityFactory(
        slug="open-reserved",
        name="Open to municipalities",
        join_policy=Community.JoinPolicy.OPEN,
        eligible_organization_kinds=[MUNICIPALITY],
    )
    coordinator = make_member(community, UserFactory(full_name="Cora Coordinator"), role=Membership.Role.COORDINATOR)
    person = UserFactory(full_name="Nadia Nuova")
    proposal = _proposal(person)
    person.refresh_from_db()

    client.force_login(person)
    home = client.get(community.get_absolute_url()).content.decode()
    assert "Ask to join" in home
    response = client.post(reverse("communities:join", kwargs={"community_slug": community.slug}), {"message": ""})
    assert response.status_code == 302
    membership = Membership.objects.get(user=person, community=community, group=None)
    assert membership.status == Membership.Status.PENDING  # not active before the organisation is verified

    client.force_login(coordinator)
    assert "Comune di Nuovo Borgo" in client.get(_console(community, "manage_organisations")).content.decode()
    url = _console(community, "manage_organisation_verify", organization_pk=proposal.pk)
    client.post(url, {f"o{proposal.pk}-kind": MUNICIPALITY})
    membership.refresh_from_db()
    assert membership_approve(membership=membership, by=coordinator).status == Membership.Status.ACTIVE
