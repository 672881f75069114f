"""One-click unsubscribe (RFC 8058): a signed token in every email, a POST without login turns the stream off."""

from datetime import timedelta
from urllib.parse import urlparse

import pytest
from django.core import mail
from django.test import Client

from meetings import services as meeting_services
from meetings.models import Reminder
from meetings.reminders import reminders_dispatch
from members.models import NotificationPreference
from members.notifications import preference_for
from members.tokens import make_unsubscribe_token, read_unsubscribe_token
from tests.factories import make_member
from tests.notifications.conftest import future_meeting, parsed


def one_click_url(message) -> str:
    """Return the path of the HTTPS address in the List-Unsubscribe header, as a mail client reads it."""
    header = " ".join(parsed(message)["List-Unsubscribe"].split())
    https = [part.strip(" <>") for part in header.split(",") if part.strip(" <").startswith("http")]
    return urlparse(https[0]).path


@pytest.fixture
def mail_client():
    """A mail client's HTTP request: no session, no cookies, CSRF checks on."""
    return Client(enforce_csrf_checks=True)


def test_a_token_names_its_person_and_stream_and_cannot_be_forged():
    token = make_unsubscribe_token(stream="digest", user_id=42)
    parsed_token = read_unsubscribe_token(token)
    assert parsed_token.user_id == 42 and parsed_token.stream == "digest"
    assert read_unsubscribe_token(token[:-2] + ("AA" if not token.endswith("AA") else "BB")) is None
    assert read_unsubscribe_token("not-a-token") is None
    assert read_unsubscribe_token(make_unsubscribe_token(stream="reminders", email="X@Example.org")).email == (
        "x@example.org"
    )


def test_the_one_click_post_from_the_mail_client_turns_the_reminders_off_without_login(
    community, member, run_on_commit, mail_client
):
    meeting = future_meeting(community, days=5)
    run_on_commit(meeting_services.registration_create, meeting=meeting, user=member)
    mail.outbox.clear()
    run_on_commit(reminders_dispatch, now=meeting.start - timedelta(days=1))
    (reminder_email,) = mail.outbox

    response = mail_client.post(
        one_click_url(reminder_email),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    assert preference_for(member).reminders_enabled is False
    assert Reminder.objects.get(registration__user=member, offset_minutes=60).status == Reminder.Status.CANCELLED
    mail.outbox.clear()
    run_on_commit(reminders_dispatch, now=meeting.start - timedelta(hours=1))
    assert mail.outbox == []


def test_the_digest_link_asks_to_confirm_then_turns_the_digest_off(member, mail_client):
    token = make_unsubscribe_token(stream="digest", user_id=member.pk)
    url = f"/unsubscribe/{token}/"

    page = mail_client.get(url)
    assert page.status_code == 200
    assert b"Stop receiving the digest" in page.content
    assert preference_for(member).digest_frequency == NotificationPreference.DigestFrequency.WEEKLY, (
        "a GET changes nothing"
    )

    done = mail_client.post(url)
    assert done.status_code == 200
    assert b"You will not receive the digest any more." in done.content
    assert preference_for(member).digest_frequency == NotificationPreference.DigestFrequency.NEVER
    assert mail_client.post(url).status_code == 200, "twice changes nothing and still answers 200"


def test_the_updates_stream_can_be_turned_off_too(member, mail_client):
    mail_client.post(f"/unsubscribe/{make_unsubscribe_token(stream='updates', user_id=member.pk)}/")
    preference = preference_for(member)
    assert preference.updates_enabled is False
    assert preference.digest_frequency == NotificationPreference.DigestFrequency.WEEKLY


def test_a_bad_token_or_a_gone_person_finds_nothing(db, mail_client, member):
    assert mail_client.get("/unsubscribe/forged:token/").status_code == 404
    assert mail_client.post("/unsubscribe/forged:token/").status_code == 404
    member.is_active = False
    member.save()
    assert (
        mail_client.post(f"/unsubscribe/{make_unsubscribe_token(stream='digest', user_id=member.pk)}/").status_code
        == 404
    )


def test_an_address_without_an_account_gets_an_answer_and_changes_nothing(db, mail_client):
    token = make_unsubscribe_token(stream="updates", email="guest@example.org")
    response = mail_client.post(f"/unsubscribe/{token}/")
    assert response.status_code == 200
    assert b"This address has no account here" in response.content
    assert not NotificationPreference.objects.exists()


def test_the_unsubscribe_page_is_in_the_visitors_language(member, client):
    client.cookies["cop_language"] = "it"
    page = client.get(f"/unsubscribe/{make_unsubscribe_token(stream='digest', user_id=member.pk)}/")
    assert page.status_code == 200
    assert b'lang="it"' in page.content


def test_a_token_turns_off_only_its_own_persons_stream(community, mail_client):
    alice, bob = make_member(community), make_member(community)
    token = make_unsubscribe_token(stream="digest", user_id=alice.pk)
    mail_client.post(f"/unsubscribe/{token}/")
    assert preference_for(bob).digest_frequency == NotificationPreference.DigestFrequency.WEEKLY
