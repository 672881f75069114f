"""Inbound email through services.inbound.message_receive and the webhook: replies, new threads, refusals."""

from email.message import EmailMessage
from urllib.parse import urlencode

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from communities.services import membership_leave
from discussions import services
from discussions.mail.addresses import reply_address
from discussions.models import InboundMessage, Post, Thread
from members.models import EmailLedger
from tests.factories import GroupFactory, UserFactory, make_member

pytestmark = pytest.mark.django_db

QUOTED = """

On Mon, 7 Dec 2026 at 09:00, CoP Portal <noreply@cop.localhost> wrote:
> Who has a water plan?
> Tell us.
"""


@pytest.fixture
def replier(community):
    return make_member(community, UserFactory(email="rami@example.org", full_name="Rami", language="ar"))


@pytest.fixture
def thread(community):
    author = make_member(community, UserFactory(email="amina@example.org"))
    return services.thread_start(community=community, by=author, title="Water plans", body="Who has one?")


def raw_email(
    *,
    to,
    sender,
    body="We have one, I will share it.",
    subject="Re: Water plans",
    message_id=None,
    html=None,
    headers=None,
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    if message_id is not False:
        message["Message-ID"] = message_id or "<reply-1@mail.example.org>"
    for name, value in (headers or {}).items():
        message[name] = value
    if html is not None:
        message.set_content(html, subtype="html")
    else:
        message.set_content(body)
    return message.as_bytes()


@pytest.fixture
def receive(django_capture_on_commit_callbacks):
    """Receive a message as the SMTP server would, running what it enqueues (the refusal email) after commit."""

    def run(raw, *, sender, to):
        with django_capture_on_commit_callbacks(execute=True):
            return services.message_receive(raw, envelope_from=sender, recipients=[to])

    return run


def refusals():
    # By header, not by subject: the subject is in the sender's language.
    return [m for m in mail.outbox if m.extra_headers.get("Auto-Submitted") == "auto-replied"]


def test_a_reply_posts_as_the_person_without_the_quoted_text_and_signature(thread, replier, receive):
    to = reply_address(user_id=replier.pk, thread_id=thread.pk)
    body = "We have one, I will share it.\n\n--\nRami\nMunicipality of Misrata" + QUOTED
    inbound = receive(raw_email(to=to, sender="Rami <rami@example.org>", body=body), sender="rami@example.org", to=to)

    assert inbound.outcome == InboundMessage.Outcome.POSTED
    post = inbound.post
    assert post.thread == thread and post.author == replier and post.source == Post.Source.EMAIL
    assert post.body == "We have one, I will share it."
    assert post.language == "ar", "no Content-Language: the person's language"
    assert Thread.objects.get(pk=thread.pk).reply_count == 1
    assert refusals() == []


def test_the_same_message_id_twice_posts_once_and_sends_nothing(thread, replier, receive):
    to = reply_address(user_id=replier.pk, thread_id=thread.pk)
    raw = raw_email(to=to, sender="rami@example.org")
    first = receive(raw, sender="rami@example.org", to=to)
    mail.outbox.clear()
    second = receive(raw, sender="rami@example.org", to=to)
    assert first.pk == second.pk
    assert thread.posts.count() == 2 and InboundMessage.objects.count() == 1
    assert mail.outbox == []


def test_the_messages_language_and_an_html_only_reply_are_kept(thread, replier, receive):
    to = reply_address(user_id=replier.pk, thread_id=thread.pk)
    html = (
        '<html><body><div dir="rtl">لدينا خطة <b>للمياه</b></div>'
        '<div class="gmail_quote">On Monday someone wrote:<blockquote>Who has one?</blockquote></div></body></html>'
    )
    raw = raw_email(to=to, sender="rami@example.org", html=html, headers={"Content-Language": "ar"})
    post = receive(raw, sender="rami@example.org", to=to).post
    assert post.body == "لدينا خطة للمياه"
    assert post.language == "ar"


@pytest.mark.parametrize("damage", ["forged", "other_thread"])
def test_a_forged_token_posts_nothing_and_gets_one_refusal(thread, replier, receive, damage):
    genuine = reply_address(user_id=replier.pk, thread_id=thread.pk)
    local, domain = genuine.split("@")
    if damage == "forged":
        to = f"{local[:-4]}beef@{domain}"
    else:
        to = f"reply+{replier.pk}-{thread.pk + 1}.{local.split('.')[-1]}@{domain}"  # a real signature, other thread
    raw = raw_email(to=to, sender="rami@example.org")
    inbound = receive(raw, sender="rami@example.org", to=to)
    receive(raw, sender="rami@example.org", to=to)  # redelivered: still one refusal

    assert (inbound.outcome, inbound.reason) == ("refused", "forged_token")
    assert thread.posts.count() == 1
    [refusal] = refusals()
    assert refusal.to == ["rami@example.org"]
    assert refusal.extra_headers["In-Reply-To"] == "<reply-1@mail.example.org>"
    assert refusal.extra_headers["Content-Language"] == "ar", "in the language of the person who wrote"


def test_a_reply_from_someone_else_posts_nothing(thread, replier, receive):
    to = reply_address(user_id=replier.pk, thread_id=thread.pk)
    raw = raw_email(to=to, sender="intruder@example.net")
    inbound = receive(raw, sender="intruder@example.net", to=to)
    assert inbound.reason == "wrong_sender" and thread.posts.count() == 1
    [refusal] = refusals()
    assert refusal.to == ["intruder@example.net"] and refusal.extra_headers["Content-Language"] == "en"


def test_a_reply_from_a_verified_second_address_of_the_person_posts(thread, replier, receive):
    EmailAddress.objects.create(user=replier, email="rami.home@example.net", verified=True)
    to = reply_address(user_id=replier.pk, thread_id=thread.pk)
    inbound = receive(raw_email(to=to, sender="rami.home@example.net"), sender="rami.home@example.net", to=to)
    assert inbound.outcome == "posted" and inbound.post.author == replier


def test_a_member_who_left_posts_nothing(community, thread, replier, receive):
    to = reply_address(user_id=replier.pk, thread_id=thread.pk)
    membership_leave(user=replier, community=community)
    inbound = receive(raw_email(to=to, sender="rami@example.org"), sender="rami@example.org", to=to)
    assert inbound.reason == "not_a_member" and thread.posts.count() == 1
    assert len(refusals()) == 1


def test_an_empty_reply_posts_nothing(thread, replier, receive):
    to = reply_address(user_id=replier.pk, thread_id=thread.pk)
    raw = raw_email(to=to, sender="rami@example.org", body="--\nRami" + QUOTED)
    inbound = receive(raw, sender="rami@example.org", to=to)
    assert inbound.reason == "empty" and thread.posts.count() == 1
    assert len(refusals()) == 1


def test_an_oversized_message_posts_nothing(thread, replier, receive, settings):
    settings.INBOUND_MAX_BYTES = 2000
    to = reply_address(user_id=replier.pk, thread_id=thread.pk)
    raw = raw_email(to=to, sender="rami@example.org", body="A long answer. " * 500)
    inbound = receive(raw, sender="rami@example.org", to=to)
    assert inbound.reason == "oversized" and thread.posts.count() == 1
    assert len(refusals()) == 1


def test_an_automatic_reply_is_refused_without_an_answer(thread, replier, receive):
    to = reply_address(user_id=replier.pk, thread_id=thread.pk)
    raw = raw_email(to=to, sender="intruder@example.net", headers={"Auto-Submitted": "auto-replied"})
    inbound = receive(raw, sender="intruder@example.net", to=to)
    assert inbound.outcome == "refused" and refusals() == []


def test_a_member_starts_a_thread_by_writing_to_the_groups_incoming_address(community, receive):
    group = GroupFactory(community=community, slug="team")
    writer = make_member(community, UserFactory(email="account@example.org"), group=group)
    EmailAddress.objects.create(user=writer, email="writer@example.org", verified=True)
    to = f"{community.slug}.team@reply.cop.localhost"
    raw = raw_email(to=to, sender="writer@example.org", subject="Meeting in Tripoli", body="Shall we meet?")
    inbound = receive(raw, sender="writer@example.org", to=to)

    assert inbound.outcome == "posted"
    thread = inbound.post.thread
    assert (thread.title, thread.group, thread.created_by) == ("Meeting in Tripoli", group, writer)
    assert inbound.post.body == "Shall we meet?" and inbound.post.is_opening


def test_an_unverified_address_or_a_non_member_cannot_start_a_thread(community, receive):
    writer = make_member(community, UserFactory(email="account@example.org"))
    EmailAddress.objects.create(user=writer, email="unverified@example.org", verified=False)
    to = f"{community.slug}@reply.cop.localhost"
    for sender in ("unverified@example.org", "stranger@example.net"):
        raw = raw_email(to=to, sender=sender, message_id=f"<{sender}>", subject="Spam", body="Buy")
        assert receive(raw, sender=sender, to=to).reason == "not_a_member"
    assert not Thread.objects.filter(title="Spam").exists()
    assert len(refusals()) == 2


def test_a_new_thread_without_a_subject_is_refused(community, receive):
    make_member(community, UserFactory(email="writer@example.org"))
    to = f"{community.slug}@reply.cop.localhost"
    raw = raw_email(to=to, sender="writer@example.org", subject="", body="Hello")
    assert receive(raw, sender="writer@example.org", to=to).reason == "empty"
    assert not Thread.objects.exists()


# --- The webhook ------------------------------------------------------------------------------------


WEBHOOK = "/inbound/email/"


def test_the_webhook_refuses_without_the_secret(client, settings, thread, replier):
    settings.INBOUND_EMAIL_SECRET = "s3cret-value"
    to = reply_address(user_id=replier.pk, thread_id=thread.pk)
    raw = raw_email(to=to, sender="rami@example.org")
    assert reverse("discussion_mail:inbound_email") == WEBHOOK
    for authorization in ("", "Bearer wrong", "Basic s3cret-value"):
        response = client.post(
            f"{WEBHOOK}?{urlencode({'sender': 'rami@example.org', 'recipient': to})}",
            raw,
            content_type="message/rfc822",
            headers={"Authorization": authorization} if authorization else {},
        )
        assert response.status_code == 403
    assert not InboundMessage.objects.exists() and thread.posts.count() == 1


def test_the_webhook_refuses_everything_when_no_secret_is_configured(client, settings, thread, replier):
    settings.INBOUND_EMAIL_SECRET = ""
    response = client.post(
        WEBHOOK, {"message": "x", "sender": "a@b.c", "recipient": "x@y.z"}, headers={"Authorization": "Bearer "}
    )
    assert response.status_code == 403


def test_the_webhook_posts_a_raw_message_once(settings, thread, replier, django_capture_on_commit_callbacks):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)  # a mail provider has no CSRF token
    settings.INBOUND_EMAIL_SECRET = "s3cret-value"
    to = reply_address(user_id=replier.pk, thread_id=thread.pk)
    raw = raw_email(to=to, sender="rami@example.org")
    for _attempt in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                f"{WEBHOOK}?{urlencode({'sender': 'rami@example.org', 'recipient': to})}",
                raw,
                content_type="message/rfc822",
                headers={"Authorization": "Bearer s3cret-value"},
            )
        assert response.status_code == 200 and response.json()["outcome"] == "posted"
    assert thread.posts.filter(author=replier).count() == 1


def test_the_webhook_takes_a_form_and_refuses_a_forged_token_with_one_reply(
    client, settings, thread, replier, django_capture_on_commit_callbacks
):
    settings.INBOUND_EMAIL_SECRET = "s3cret-value"
    to = f"reply+{replier.pk}-{thread.pk}.0000@reply.cop.localhost"
    raw = raw_email(to=to, sender="rami@example.org").decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            WEBHOOK,
            {"message": raw, "sender": "rami@example.org", "recipient": to},
            headers={"Authorization": "Bearer s3cret-value"},
        )
    assert response.status_code == 200 and response.json()["reason"] == "forged_token"
    assert thread.posts.count() == 1
    assert len(refusals()) == 1
    assert EmailLedger.objects.filter(kind="discussion_refusal").count() == 1
