"""The accessibility statement and its feedback form, which reaches the admins."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from cop_portal.accessibility import FEEDBACK_LIMIT, accessibility_feedback_send, feedback_recipients
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
URL = "/accessibility/"
MESSAGE = "The meeting calendar cannot be read with my screen reader."


def test_the_statement_names_the_standard_the_known_limits_the_date_and_how_to_reach_us(client):
    assert reverse("accessibility:statement") == URL
    html = client.get(URL).content.decode()
    for text in ["WCAG", "2.1", "level AA", "EN 301 549", "Known limits", "last reviewed on", "25 November 2026"]:
        assert text in html, text
    assert '<form method="post" action="/accessibility/"' in html
    assert 'name="message"' in html


def test_the_contact_address_is_shown_when_configured(client, settings):
    settings.ACCESSIBILITY_FEEDBACK_EMAIL = "access@example.org"
    assert 'href="mailto:access@example.org"' in client.get(URL).content.decode()


def test_the_page_address_is_filled_in_from_the_link(client):
    assert 'value="/c/rebuild/meetings/"' in client.get(URL, {"page": "/c/rebuild/meetings/"}).content.decode()


def test_feedback_is_mailed_to_the_configured_address_once_the_request_commits(
    client, settings, django_capture_on_commit_callbacks
):
    settings.ACCESSIBILITY_FEEDBACK_EMAIL = "access@example.org"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(URL, {"message": MESSAGE, "page": "/c/x/meetings/", "email": "ada@example.org"})
        assert response.status_code == 302
        assert mail.outbox == [], "nothing is sent before the commit"
    for callback in callbacks:
        callback()
    (email,) = mail.outbox
    assert email.to == ["access@example.org"]
    assert email.reply_to == ["ada@example.org"]
    assert "/c/x/meetings/" in email.subject
    assert MESSAGE in email.body
    assert "Thank you" in client.get(URL).content.decode()


def test_without_a_configured_address_feedback_goes_to_the_admins_then_the_superusers(settings):
    settings.ACCESSIBILITY_FEEDBACK_EMAIL = ""
    settings.ADMINS = [("Ops", "ops@example.org")]
    assert feedback_recipients() == ["ops@example.org"]
    settings.ADMINS = []
    UserFactory(email="root@example.org", is_superuser=True, is_staff=True)
    UserFactory(email="gone@example.org", is_superuser=True, is_active=False)
    UserFactory(email="member@example.org")
    assert feedback_recipients() == ["root@example.org"]


def test_a_signed_in_persons_name_and_address_come_with_their_feedback(
    client, settings, django_capture_on_commit_callbacks
):
    settings.ACCESSIBILITY_FEEDBACK_EMAIL = "access@example.org"
    client.force_login(UserFactory(full_name="Nadia Karim", email="nadia@example.org"))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, {"message": MESSAGE})
    (email,) = mail.outbox
    assert "Nadia Karim" in email.body
    assert email.reply_to == ["nadia@example.org"]


def test_the_task_run_twice_sends_one_email(settings):
    settings.ACCESSIBILITY_FEEDBACK_EMAIL = "access@example.org"
    feedback = {"message": MESSAGE, "page": "", "name": "", "email": "", "language": "en", "user_agent": "x"}
    assert accessibility_feedback_send(feedback, "same-key") is True
    assert accessibility_feedback_send(feedback, "same-key") is False
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"message": ""}, "Write what did not work, so we can fix it."),
        ({"message": "bad"}, "Write at least 10 characters"),
        ({"message": MESSAGE, "email": "not an address"}, "Enter an email address such as name@example.org"),
    ],
)
def test_bad_input_gets_a_clear_message_keeps_the_text_and_sends_nothing(
    client, data, error, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(URL, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert error in html
    assert "form-error-summary" in html
    if data["message"]:
        assert data["message"] in html, "what was typed is still there"
    assert callbacks == [] and mail.outbox == []


def test_a_visitor_sending_too_much_is_asked_to_wait_and_keeps_the_text(
    client, settings, django_capture_on_commit_callbacks
):
    settings.ACCESSIBILITY_FEEDBACK_EMAIL = "access@example.org"
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(FEEDBACK_LIMIT):
            assert client.post(URL, {"message": MESSAGE}).status_code == 302
        response = client.post(URL, {"message": "One message too many, please."})
    assert response.status_code == 429
    html = response.content.decode()
    assert "please wait a while" in html
    assert "One message too many, please." in html
    assert len(mail.outbox) == FEEDBACK_LIMIT


def test_the_footer_of_every_page_links_the_statement(client):
    assert 'href="/accessibility/"' in client.get("/").content.decode()
