"""Accounts: email login, mandatory verification, no enumeration, rate limits, admin login, 2FA."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from members.models import User
from tests.factories import UserFactory

PASSWORD = "a-long-test-password"


def _confirmation_link(message) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_the_user_model_has_no_username_and_logs_in_by_email(db):
    user = User.objects.create_user(email="Ann.Example@Example.ORG", password=PASSWORD)
    assert not hasattr(user, "username")
    assert user.email == "ann.example@example.org"
    assert User.USERNAME_FIELD == "email"


def test_sign_up_requires_verifying_the_email_before_signing_in(client, db):
    response = client.post(
        reverse("account_signup"),
        {"full_name": "Nour Haddad", "email": "nour@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    user = User.objects.get(email="nour@example.org")
    assert user.full_name == "Nour Haddad"
    assert not EmailAddress.objects.get(user=user).verified
    assert "_auth_user_id" not in client.session

    # Signing in before verifying sends the person to the verification page, not into the portal.
    response = client.post(reverse("account_login"), {"login": "nour@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session

    link = _confirmation_link(mail.outbox[-1])
    client.post(link)
    assert EmailAddress.objects.get(user=user).verified
    assert client.session["_auth_user_id"] == str(user.pk)


def test_login_by_email_ignores_case(client, db):
    user = UserFactory(email="maria@example.org")
    response = client.post(reverse("account_login"), {"login": "MARIA@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_password_reset_does_not_reveal_whether_an_account_exists(client, db):
    UserFactory(email="known@example.org")
    known = client.post(reverse("account_reset_password"), {"email": "known@example.org"})
    unknown = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    # Both addresses get a message, so the inbox is the only place the difference shows.
    assert sorted(m.to[0] for m in mail.outbox) == ["known@example.org", "nobody@example.org"]


def test_sign_up_with_a_taken_address_does_not_reveal_it(client, db):
    UserFactory(email="taken@example.org")
    response = client.post(
        reverse("account_signup"),
        {"full_name": "Someone", "email": "taken@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert User.objects.filter(email="taken@example.org").count() == 1


def test_repeated_failed_logins_are_rate_limited(client, db):
    UserFactory(email="target@example.org")
    for _ in range(5):
        response = client.post(reverse("account_login"), {"login": "target@example.org", "password": "wrong-one"})
        assert response.status_code == 200
    # Even the right password is refused until the limit expires.
    response = client.post(reverse("account_login"), {"login": "target@example.org", "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert response.status_code in {200, 429}
    assert b"Too many failed login attempts" in response.content


def test_the_admin_login_goes_through_allauth(client, db):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_staff_reach_the_admin_after_signing_in_through_allauth(client, db):
    staff = UserFactory(email="staff@example.org", is_staff=True, is_superuser=True)
    client.post(reverse("account_login"), {"login": staff.email, "password": PASSWORD})
    assert client.get("/admin/").status_code == 200


def test_account_pages_use_the_portal_layout(client, db):
    for name in ["account_login", "account_signup", "account_reset_password"]:
        body = client.get(reverse(name)).content.decode()
        assert 'class="visually-hidden-focusable skip-link"' in body, name
        assert "vendor/bootstrap/bootstrap" in body, name


def test_two_factor_setup_is_available_to_every_member(client, db):
    user = UserFactory()
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    # Turning on 2FA asks for the password again first.
    response = client.get(reverse("mfa_activate_totp"))
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 200
    assert b'name="code"' in response.content
    assert b"<svg" in response.content or b"data:image" in response.content  # the QR code to scan


def test_staff_without_two_factor_are_asked_to_enable_it(client, db):
    client.force_login(UserFactory(is_staff=True))
    body = client.get("/").content.decode()
    assert reverse("mfa_index") in body
    assert "two-factor" in body.lower()
    client.force_login(UserFactory())
    assert "Protect your staff account" not in client.get("/").content.decode()


def test_email_change_page_is_available(client, db):
    client.force_login(UserFactory())
    assert client.get(reverse("account_email")).status_code == 200


@pytest.mark.parametrize("language,expected", [("it", 'lang="it"'), ("ar", 'dir="rtl"')])
def test_a_signed_in_person_sees_the_portal_in_their_language(client, db, language, expected):
    client.force_login(UserFactory(language=language))
    assert expected in client.get("/").content.decode()
