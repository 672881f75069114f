"""Emailing new posts: mailing-list mode, digest mode, muting, mentions, leaving, and the ledger."""

import pytest
from django.core import mail

from communities.services import membership_leave
from discussions import services, tasks
from discussions.mail.addresses import read_token
from discussions.models import DeliveryMode
from members.models import EmailLedger
from tests.factories import GroupFactory, UserFactory, make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def author(community):
    return make_member(community, UserFactory(full_name="Amina Author", email="author@example.org"))


@pytest.fixture
def thread(community, author):
    return services.thread_start(community=community, by=author, title="Water plans", body="Who has one?")


def _every_post(person, community):
    services.discussion_preference_set(user=person, community=community, mode=DeliveryMode.EVERY_POST)
    return person


def _reply(thread, body="Here is **ours**."):
    replier = make_member(thread.community, UserFactory(full_name="Rami Replier"))
    return services.post_reply(thread=thread, by=replier, body=body)


def _to(address):
    return [message for message in mail.outbox if message.to == [address]]


def test_a_follower_in_every_post_mode_gets_one_email_with_a_personal_reply_to(community, thread):
    reader = _every_post(make_member(community, UserFactory(email="reader@example.org")), community)
    post = _reply(thread)
    mail.outbox.clear()

    tasks.notify_post(post.pk)

    [message] = _to("reader@example.org")
    reply_to = message.extra_headers["Reply-To"]
    local, _at, domain = reply_to.partition("@")
    assert domain == "reply.cop.localhost" and local.startswith("reply+")
    assert read_token(local.removeprefix("reply+")) == (reader.pk, thread.pk)
    assert "Water plans" in message.subject
    assert "Here is **ours**." in message.body
    html = message.alternatives[0][0]
    assert "<strong>ours</strong>" in html and f"/c/{community.slug}/discussions/{thread.pk}/#post-{post.pk}" in html
    assert message.extra_headers["In-Reply-To"] == f"<discussion-thread-{thread.pk}@reply.cop.localhost>"
    assert message.extra_headers["References"] == message.extra_headers["In-Reply-To"]
    assert message.extra_headers["Message-ID"] == f"<discussion-post-{post.pk}@reply.cop.localhost>"
    assert message.extra_headers["List-Id"] == f"<{community.slug}.discussions.reply.cop.localhost>"


def test_each_reader_gets_their_own_reply_address(community, thread):
    one = _every_post(make_member(community, UserFactory(email="one@example.org")), community)
    two = _every_post(make_member(community, UserFactory(email="two@example.org")), community)
    post = _reply(thread)
    mail.outbox.clear()
    tasks.notify_post(post.pk)
    [first], [second] = _to("one@example.org"), _to("two@example.org")
    assert first.extra_headers["Reply-To"] != second.extra_headers["Reply-To"]
    assert read_token(first.extra_headers["Reply-To"].split("@")[0][6:]) == (one.pk, thread.pk)
    assert read_token(second.extra_headers["Reply-To"].split("@")[0][6:]) == (two.pk, thread.pk)


def test_a_second_run_of_the_task_sends_nothing_more(community, thread):
    _every_post(make_member(community, UserFactory(email="reader@example.org")), community)
    post = _reply(thread)
    mail.outbox.clear()
    tasks.notify_post(post.pk)
    tasks.notify_post(post.pk)
    assert len(_to("reader@example.org")) == 1
    assert EmailLedger.objects.filter(key__startswith=f"discussion-post:{post.pk}:").count() == 1


def test_a_follower_in_digest_mode_gets_no_email(community, thread):
    reader = make_member(community, UserFactory(email="digest@example.org"))
    services.subscription_set(user=reader, community=community, thread=thread, level="follow")
    post = _reply(thread)
    mail.outbox.clear()
    tasks.notify_post(post.pk)
    assert _to("digest@example.org") == []


def test_a_person_who_muted_the_thread_gets_no_email(community, thread):
    reader = _every_post(make_member(community, UserFactory(email="muted@example.org")), community)
    services.subscription_set(user=reader, community=community, thread=thread, level="mute")
    post = _reply(thread)
    mail.outbox.clear()
    tasks.notify_post(post.pk)
    assert _to("muted@example.org") == []


def test_a_muted_group_beats_the_community_and_a_followed_thread_beats_the_group(community, author):
    group = GroupFactory(community=community)
    make_member(community, author, group=group)
    thread = services.thread_start(community=community, group=group, by=author, title="Team", body="Hello team")
    reader = _every_post(make_member(community, UserFactory(email="reader@example.org")), community)
    services.subscription_set(user=reader, community=community, group=group, level="mute")
    first = services.post_reply(thread=thread, by=author, body="One")
    mail.outbox.clear()
    tasks.notify_post(first.pk)
    assert _to("reader@example.org") == []

    services.subscription_set(user=reader, community=community, thread=thread, level="follow")
    second = services.post_reply(thread=thread, by=author, body="Two")
    tasks.notify_post(second.pk)
    assert len(_to("reader@example.org")) == 1


def test_every_post_mode_without_following_anything_sends_nothing(community, thread):
    reader = make_member(community, UserFactory(email="reader@example.org"))
    services.discussion_preference_set(user=reader, community=community, mode=DeliveryMode.EVERY_POST)
    services.subscription_clear(user=reader, community=community)
    post = _reply(thread)
    mail.outbox.clear()
    tasks.notify_post(post.pk)
    assert _to("reader@example.org") == []


def test_a_mentioned_person_gets_one_email_even_in_digest_mode(community, thread):
    mentioned = make_member(community, UserFactory(email="mentioned@example.org", language="it"))
    post = _reply(thread)
    post.mentions.add(mentioned)
    mail.outbox.clear()
    tasks.notify_post(post.pk)
    tasks.notify_post(post.pk)
    [message] = _to("mentioned@example.org")
    assert message.extra_headers["Content-Language"] == "it", "in the language of the person mentioned"
    assert "Reply-To" in message.extra_headers


def test_a_mentioned_person_who_turned_discussions_off_gets_nothing(community, thread):
    mentioned = make_member(community, UserFactory(email="mentioned@example.org"))
    services.discussion_preference_set(user=mentioned, community=community, mode=DeliveryMode.OFF)
    post = _reply(thread)
    post.mentions.add(mentioned)
    mail.outbox.clear()
    tasks.notify_post(post.pk)
    assert _to("mentioned@example.org") == []


def test_a_member_who_left_gets_nothing_even_in_a_public_community(community, thread):
    reader = _every_post(make_member(community, UserFactory(email="gone@example.org")), community)
    post = _reply(thread)
    post.mentions.add(reader)
    membership_leave(user=reader, community=community)
    mail.outbox.clear()
    tasks.notify_post(post.pk)
    assert _to("gone@example.org") == []


def test_the_author_gets_no_copy_of_their_own_post(community, thread, author):
    _every_post(author, community)
    post = services.post_reply(thread=thread, by=author, body="Me again")
    mail.outbox.clear()
    tasks.notify_post(post.pk)
    assert _to("author@example.org") == []


def test_a_post_hidden_before_the_task_runs_is_not_sent(community, thread):
    from django.utils import timezone

    from discussions.models import Post

    _every_post(make_member(community, UserFactory(email="reader@example.org")), community)
    post = _reply(thread)
    Post.objects.filter(pk=post.pk).update(hidden_at=timezone.now())
    mail.outbox.clear()
    tasks.notify_post(post.pk)
    assert mail.outbox == []


def test_posting_sends_through_the_outbox_after_commit(community, thread, django_capture_on_commit_callbacks):
    _every_post(make_member(community, UserFactory(email="reader@example.org")), community)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _reply(thread)
    assert len(_to("reader@example.org")) == 1
