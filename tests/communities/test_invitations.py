"""Invitation links: an existing account, a new one through real allauth sign-up, and every bad token."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from communities.models import Invitation, Membership
from communities.services import invitation_accept, invitation_create, invitation_revoke, invitation_token
from communities.signals import PENDING_INVITATION_SESSION_KEY
from members.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"
Role = Membership.Role


@pytest.fixture
def invitation(approval_community, coordinator):
    return invitation_create(
        community=approval_community, email="newcomer@example.org", role=Role.FACILITATOR, by=coordinator
    )


def link(invitation) -> str:
    return reverse("invitations:detail", kwargs={"token": invitation_token(invitation)})


def test_the_invitation_page_tells_a_visitor_what_they_are_invited_to(client, invitation):
    page = client.get(link(invitation)).content.decode()

    assert "You are invited to join Approval CoP" in page
    assert "<bdi>Cora Coordinator</bdi> invites you as Facilitator." in page
    assert "Create my account and accept" in page and "sign in and accept" in page


def test_a_signed_in_person_accepts_with_the_button(client, invitation):
    person = UserFactory(email="newcomer@example.org")
    client.force_login(person)

    page = client.get(link(invitation)).content.decode()
    response = client.post(link(invitation))

    assert "Accept the invitation" in page and "you are signed in as" not in page
    assert response["Location"] == invitation.community.get_absolute_url()
    assert Membership.objects.get(user=person).role == Role.FACILITATOR


def test_someone_signed_in_under_another_address_is_told_and_cannot_accept(client, invitation):
    other = UserFactory(email="private@example.net")
    client.force_login(other)

    page = client.get(link(invitation)).content.decode()
    response = client.post(link(invitation), follow=True)

    assert "This invitation was sent to newcomer@example.org; you are signed in as private@example.net." in page
    assert "Use this address on my account and confirm it" in page
    assert not Membership.objects.filter(user=other).exists()
    assert "To accept it, sign in with the account of that address" in response.content.decode()


def test_an_existing_account_signs_in_from_the_invitation_and_lands_in_the_community(client, invitation):
    person = UserFactory(email="newcomer@example.org")

    to_login = client.post(link(invitation), {"intent": "login"})
    assert to_login["Location"].startswith(reverse("account_login") + "?next=")
    response = client.post(
        to_login["Location"], {"login": person.email, "password": PASSWORD, "next": link(invitation)}, follow=True
    )

    assert response.redirect_chain[-1][0] == invitation.community.get_absolute_url()
    assert Membership.objects.get(user=person).role == Role.FACILITATOR
    assert "Welcome to Approval CoP!" in [str(m) for m in response.context["messages"]]


def _sign_up_and_confirm(client, invitation, *, email: str):
    """Go from the invitation link through allauth's sign-up and the confirmation email, as a person would."""
    to_signup = client.post(link(invitation), {"intent": "signup"})
    assert to_signup["Location"].startswith(reverse("account_signup") + "?next=")
    assert client.session[PENDING_INVITATION_SESSION_KEY]
    signup_page = client.get(to_signup["Location"])
    assert signup_page.status_code == 200
    signed_up = client.post(
        to_signup["Location"],
        {
            "full_name": "Nora Newcomer",
            "email": email,
            "password1": "Correct-Horse-Battery-9",
            "password2": "Correct-Horse-Battery-9",
            "next": link(invitation),
        },
    )
    assert signed_up.status_code == 302, signed_up.content.decode()[:2000]
    user = User.objects.get(email=email)
    assert not Membership.objects.filter(user=user).exists(), "nothing happens before the address is confirmed"
    confirmation = next(message for message in mail.outbox if message.to == [email])
    confirm_url = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", confirmation.body).group(1)
    assert client.get(confirm_url).status_code == 200
    return user, client.post(confirm_url, follow=True)


def test_a_new_person_signs_up_from_the_invitation_and_lands_in_the_community(client, invitation):
    user, response = _sign_up_and_confirm(client, invitation, email="newcomer@example.org")

    assert response.redirect_chain[-1][0] == invitation.community.get_absolute_url()
    assert response.context["user"] == user
    membership = Membership.objects.get(user=user)
    assert (membership.status, membership.role) == (Membership.Status.ACTIVE, Role.FACILITATOR)
    invitation.refresh_from_db()
    assert invitation.accepted_by == user
    assert PENDING_INVITATION_SESSION_KEY not in client.session


def test_a_new_person_signing_up_under_another_address_is_told_and_does_not_join(client, invitation):
    user, response = _sign_up_and_confirm(client, invitation, email="nora.private@example.net")

    assert not Membership.objects.filter(user=user).exists()
    assert any("This invitation was sent to newcomer@example.org" in str(m) for m in response.context["messages"])


def test_a_used_invitation_link_shows_a_clear_message_to_someone_else(client, invitation):
    invitation_accept(invitation=invitation, user=UserFactory(email="newcomer@example.org"))
    client.force_login(UserFactory())

    response = client.get(link(invitation))

    assert response.status_code == 410
    assert "This invitation has already been used." in response.content.decode()
    assert client.post(link(invitation)).status_code == 410


def test_the_person_who_used_an_invitation_is_taken_to_the_community(client, invitation):
    person = UserFactory(email="newcomer@example.org")
    token_link = link(invitation)
    invitation_accept(invitation=invitation, user=person)
    client.force_login(person)

    response = client.get(token_link)

    assert response["Location"] == invitation.community.get_absolute_url()


def test_an_expired_invitation_shows_a_clear_message(client, invitation):
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(hours=1))

    response = client.get(link(invitation))

    assert response.status_code == 410
    page = response.content.decode()
    assert "This invitation has expired." in page
    assert "Ask <bdi>Cora Coordinator</bdi> for a new one." in page


def test_a_revoked_invitation_shows_a_clear_message(client, invitation, coordinator):
    token_link = link(invitation)
    invitation_revoke(invitation=invitation, by=coordinator)

    response = client.get(token_link)

    assert response.status_code == 410
    assert "This invitation was withdrawn." in response.content.decode()


@pytest.mark.parametrize("token", ["garbage", "bmV3:1uAbCd:tampered-signature-0123456789abcdefghij"])
def test_a_tampered_or_foreign_token_shows_a_clear_message_not_an_error(client, invitation, token):
    response = client.get(reverse("invitations:detail", kwargs={"token": token}))

    assert response.status_code == 400
    page = response.content.decode()
    assert "This invitation link is not valid." in page
    assert "Approval CoP" not in page


def test_a_token_waiting_in_the_session_that_expired_meanwhile_only_leaves_a_message(client, invitation):
    person = UserFactory()
    client.post(link(invitation), {"intent": "login"})
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(hours=1))

    response = client.post(reverse("account_login"), {"login": person.email, "password": PASSWORD}, follow=True)

    assert not Membership.objects.filter(user=person).exists()
    assert any("expired" in str(message) for message in response.context["messages"])
