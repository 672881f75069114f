"""/me/: my communities and groups with my role, my pending requests and my invitations."""

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from communities.models import Membership
from communities.services import invitation_create, membership_decline, membership_request
from tests.factories import CommunityFactory, GroupFactory, UserFactory, make_member

pytestmark = pytest.mark.django_db

Role = Membership.Role


def test_my_page_needs_sign_in(client):
    response = client.get(reverse("me:dashboard"))

    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_my_page_lists_my_communities_and_groups_with_my_role_and_leave_links(client, approval_community, open_group):
    me = make_member(approval_community, role=Role.COORDINATOR)
    make_member(approval_community, me, group=open_group, role=Role.FACILITATOR)
    other = CommunityFactory(name="Second CoP")
    make_member(other, me)
    CommunityFactory(name="Not mine")
    client.force_login(me)

    page = client.get(reverse("me:dashboard")).content.decode()

    assert "Approval CoP" in page and "Second CoP" in page and "Not mine" not in page
    assert "Coordinator" in page and "Facilitator" in page and "Open team" in page
    assert reverse("communities:leave", kwargs={"community_slug": "approval-cop"}) in page
    assert (
        reverse("communities:group_leave", kwargs={"community_slug": "approval-cop", "group_slug": "open-team"}) in page
    )
    assert reverse("communities:manage", kwargs={"community_slug": "approval-cop"}) in page


def test_my_page_lists_my_pending_requests_and_declined_reasons(client, approval_community, coordinator, person):
    other = CommunityFactory(name="Declining CoP", join_policy="approval")
    other_coordinator = make_member(other, role=Role.COORDINATOR)
    membership_request(user=person, community=approval_community)
    membership_decline(
        membership=membership_request(user=person, community=other), by=other_coordinator, reason="Full this year"
    )
    client.force_login(person)

    response = client.get(reverse("me:dashboard"))

    assert [m.community.name for m in response.context["pending"]] == ["Approval CoP"]
    assert "Full this year" in response.content.decode()
    assert response.context["communities"] == []


def test_my_page_lists_invitations_to_my_verified_addresses_only(client, approval_community, coordinator, person):
    EmailAddress.objects.create(user=person, email="pat.private@example.org", verified=True)
    EmailAddress.objects.create(user=person, email="pat.unverified@example.org", verified=False)
    group = GroupFactory(community=approval_community, name="Pilot team")
    invitation_create(community=approval_community, email=person.email, by=coordinator)
    invitation_create(community=approval_community, group=group, email="pat.private@example.org", by=coordinator)
    invitation_create(community=approval_community, email="pat.unverified@example.org", by=coordinator)
    invitation_create(community=approval_community, email="someone.else@example.org", by=coordinator)
    client.force_login(person)

    response = client.get(reverse("me:dashboard"))

    assert sorted(i.email for i in response.context["invitations"]) == sorted([person.email, "pat.private@example.org"])
    assert "Pilot team" in response.content.decode()


def test_i_accept_an_invitation_from_my_page(client, approval_community, coordinator, person):
    invitation = invitation_create(
        community=approval_community, email=person.email, role=Role.FACILITATOR, by=coordinator
    )
    client.force_login(person)

    response = client.post(reverse("me:invitation_accept", kwargs={"invitation_pk": invitation.pk}))

    assert response["Location"] == approval_community.get_absolute_url()
    assert Membership.objects.get(user=person).role == Role.FACILITATOR


def test_i_cannot_accept_someone_elses_invitation_from_my_page(client, approval_community, coordinator, person):
    invitation = invitation_create(community=approval_community, email="someone.else@example.org", by=coordinator)
    client.force_login(person)

    response = client.post(reverse("me:invitation_accept", kwargs={"invitation_pk": invitation.pk}))

    assert response.status_code == 404
    assert not Membership.objects.filter(user=person).exists()


def test_my_page_runs_the_same_number_of_queries_with_more_memberships(client, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from discussions.unread_cache import person_changed

    me = UserFactory()

    def join(count):
        for _ in range(count):
            community = CommunityFactory()
            make_member(community, me, group=GroupFactory(community=community))

    client.force_login(me)
    join(2)
    client.get(reverse("me:dashboard"))
    # The unread counts remembered by the first request are counted again after joining: count them
    # again here too, so both requests do the same work (discussions/unread_cache.py).
    person_changed(me.pk)
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("me:dashboard"))
    expected = len(queries)
    join(10)

    with django_assert_num_queries(expected):
        client.get(reverse("me:dashboard"))


def test_a_facilitator_finds_their_group_console_from_my_page(client, approval_community, open_group):
    facilitator = make_member(approval_community, group=open_group, role=Role.FACILITATOR)
    client.force_login(facilitator)

    page = client.get(reverse("me:dashboard")).content.decode()

    assert reverse("communities:manage", kwargs={"community_slug": "approval-cop"}) + "?group=open-team" in page
