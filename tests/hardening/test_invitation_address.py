"""Issue 14 item 11: an invitation is for the address it was sent to, not for whoever holds the link."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from communities.models import Community, Invitation, Membership
from communities.services import InvitationError, invitation_accept, invitation_create, invitation_token
from tests.factories import CommunityFactory, UserFactory, make_member

pytestmark = pytest.mark.django_db

Role = Membership.Role


@pytest.fixture
def community():
    return CommunityFactory(name="Closed CoP", join_policy=Community.JoinPolicy.INVITATION)


@pytest.fixture
def coordinator(community):
    return make_member(community, UserFactory(full_name="Cora Coordinator"), role=Role.COORDINATOR)


def _invite(community, coordinator, *, email="invited@example.org", role=Role.COORDINATOR):
    return invitation_create(community=community, email=email, role=role, by=coordinator)


def _link(invitation) -> str:
    return reverse("invitations:detail", kwargs={"token": invitation_token(invitation)})


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.MEMBER])
def test_a_forwarded_link_gives_nothing_to_another_account(client, community, coordinator, role):
    invitation = _invite(community, coordinator, role=role)
    holder = UserFactory(email="holder@example.net")
    client.force_login(holder)

    page = client.get(_link(invitation)).content.decode()
    response = client.post(_link(invitation))

    assert "Accept the invitation" not in page
    assert "Only the account with the address invited@example.org, confirmed, may accept it." in page
    assert response.status_code == 302
    assert not Membership.objects.filter(user=holder).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None, "the invitation stays open for its real addressee"
    with pytest.raises(InvitationError) as error:
        invitation_accept(invitation=invitation, user=holder)
    assert error.value.code == "wrong_address"


def test_an_unverified_address_on_the_account_is_not_enough(community, coordinator):
    invitation = _invite(community, coordinator)
    holder = UserFactory(email="invited@example.org", verified=False)
    EmailAddress.objects.create(user=holder, email="invited@example.org", verified=False, primary=True)

    with pytest.raises(InvitationError):
        invitation_accept(invitation=invitation, user=holder)
    assert not Membership.objects.filter(user=holder).exists()


def test_the_verified_invited_address_accepts_whatever_its_case(community, coordinator):
    invitation = _invite(community, coordinator)
    person = UserFactory(email="someone@example.org")
    EmailAddress.objects.create(user=person, email="Invited@Example.org", verified=True)

    invitation_accept(invitation=invitation, user=person)

    assert Membership.objects.get(user=person, group=None).role == Role.COORDINATOR


def test_signing_in_elsewhere_with_a_waiting_token_does_not_accept(client, community, coordinator):
    invitation = _invite(community, coordinator)
    holder = UserFactory(email="holder@example.net")

    client.post(_link(invitation), {"intent": "login"})
    response = client.post(
        reverse("account_login"), {"login": holder.email, "password": "a-long-test-password"}, follow=True
    )

    assert not Membership.objects.filter(user=holder).exists()
    assert any("This invitation was sent to invited@example.org" in str(m) for m in response.context["messages"])


def test_adding_and_confirming_the_invited_address_accepts_the_invitation(client, community, coordinator):
    invitation = _invite(community, coordinator, role=Role.MEMBER)
    person = UserFactory(email="work@example.net")
    client.force_login(person)

    response = client.post(_link(invitation), {"intent": "add_address"}, follow=True)
    again = client.post(_link(invitation), {"intent": "add_address"})

    assert again.status_code == 302
    assert "a confirmation link is on its way there" in response.content.decode()
    assert not Membership.objects.filter(user=person).exists(), "nothing before the address is confirmed"
    (confirmation,) = [m for m in mail.outbox if m.to == ["invited@example.org"]]
    confirm_url = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", confirmation.body).group(1)
    client.post(confirm_url, follow=True)

    assert Membership.objects.get(user=person).status == Membership.Status.ACTIVE
    assert Invitation.objects.get(pk=invitation.pk).accepted_by == person


def test_adding_an_address_of_another_account_sends_nothing_and_says_the_same(client, community, coordinator):
    UserFactory(email="invited@example.org")
    invitation = _invite(community, coordinator)
    holder = UserFactory(email="holder@example.net")
    client.force_login(holder)

    response = client.post(_link(invitation), {"intent": "add_address"}, follow=True)

    assert "a confirmation link is on its way there" in response.content.decode()
    assert not [m for m in mail.outbox if m.to == ["invited@example.org"] and "confirm-email" in m.body]
    assert not EmailAddress.objects.filter(user=holder, email="invited@example.org").exists()
