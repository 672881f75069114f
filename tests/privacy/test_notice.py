"""The privacy notice: staff publish versions in the admin, the page shows the latest, consent is recorded."""

import pytest
from django.urls import reverse

from cop_portal.models import ConsentRecord, PrivacyNotice
from tests.factories import UserFactory


@pytest.mark.django_db
def test_staff_publish_versions_and_the_page_shows_the_latest(client):
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    for text in ("We keep little.", "We keep even less."):
        response = client.post(
            reverse("admin:cop_portal_privacynotice_add"),
            {"body": text, "created_at_0": "2026-12-01", "created_at_1": "10:00:00"},
        )
        assert response.status_code == 302
    assert PrivacyNotice.objects.count() == 2
    assert PrivacyNotice.objects.latest("pk").created_by == staff
    client.logout()
    page = client.get(reverse("privacy_notice")).content.decode()
    assert "We keep even less." in page and "We keep little." not in page
    assert reverse("privacy_notice") in client.get(reverse("directory")).content.decode()  # the footer link


@pytest.mark.django_db
def test_a_published_version_cannot_be_changed_in_the_admin(client):
    notice = PrivacyNotice.objects.create(body="First.")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    client.post(reverse("admin:cop_portal_privacynotice_change", args=[notice.pk]), {"body": "Rewritten."})
    assert PrivacyNotice.objects.get(pk=notice.pk).body == "First."


@pytest.mark.django_db
def test_signup_records_consent_to_the_latest_notice(client):
    notice = PrivacyNotice.objects.create(body="Version one.")
    data = {
        "full_name": "New Person",
        "email": "new.person@example.org",
        "password1": "a-long-test-password-9",
        "password2": "a-long-test-password-9",
    }
    refused = client.post(reverse("account_signup"), data)
    assert refused.status_code == 200 and not ConsentRecord.objects.exists()
    client.post(reverse("account_signup"), {**data, "accept_privacy": "on"})
    record = ConsentRecord.objects.get()
    assert (record.user.email, record.notice) == ("new.person@example.org", notice)


@pytest.mark.django_db
def test_a_new_version_is_shown_on_me_until_accepted(client):
    person = UserFactory()
    first = PrivacyNotice.objects.create(body="Version one.")
    ConsentRecord.objects.create(user=person, notice=first)
    client.force_login(person)
    assert reverse("privacy_accept") not in client.get(reverse("me:dashboard")).content.decode()
    second = PrivacyNotice.objects.create(body="Version two.")
    assert reverse("privacy_accept") in client.get(reverse("me:dashboard")).content.decode()
    # Accepting a stale version records nothing.
    client.post(reverse("privacy_accept"), {"notice": first.pk})
    assert not ConsentRecord.objects.filter(user=person, notice=second).exists()
    response = client.post(reverse("privacy_accept"), {"notice": second.pk, "next": "/me/"})
    assert response.status_code == 302 and response["Location"] == "/me/"
    assert ConsentRecord.objects.filter(user=person, notice=second).exists()
    assert reverse("privacy_accept") not in client.get(reverse("me:dashboard")).content.decode()


@pytest.mark.django_db
def test_anonymous_people_read_the_notice_but_cannot_accept(client):
    PrivacyNotice.objects.create(body="Version one.")
    assert client.get(reverse("privacy_notice")).status_code == 200
    response = client.post(reverse("privacy_accept"), {"notice": 1})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not ConsentRecord.objects.exists()
