"""Starting threads and replying: who may write, what a repeat does, what is kept."""

import pytest

from discussions import services
from discussions.models import Post, ReadState, Subscription, Thread
from members.models import OutboxMessage
from tests.factories import CommunityFactory, GroupFactory, make_member

pytestmark = pytest.mark.django_db


def test_a_member_starts_a_thread_follows_it_and_has_read_it(community, member):
    thread = services.thread_start(community=community, by=member, title="Where to start?", body="**Hello** all")
    post = thread.posts.get()
    assert post.is_opening and "<strong>Hello</strong>" in post.body_html
    assert thread.last_post == post and thread.reply_count == 0
    assert Subscription.objects.filter(user=member, thread=thread, level="follow").exists()
    assert ReadState.objects.get(user=member, thread=thread).last_read_post == post
    assert OutboxMessage.objects.filter(key=f"discussions:post:{post.pk}").exists()


def test_an_outsider_cannot_start_a_thread_and_nothing_is_written(community):
    outsider = make_member(CommunityFactory(slug="elsewhere"))
    with pytest.raises(services.DiscussionError) as refusal:
        services.thread_start(community=community, by=outsider, title="Spam", body="Buy now")
    assert refusal.value.code == "not_a_member"
    assert not Thread.objects.exists()


def test_only_the_groups_members_write_in_a_group(community, member):
    group = GroupFactory(community=community)
    with pytest.raises(services.DiscussionError):
        services.thread_start(community=community, group=group, by=member, title="Team", body="Hi")
    team_member = make_member(community, group=group)
    thread = services.thread_start(community=community, group=group, by=team_member, title="Team", body="Hi")
    assert thread.group == group


def test_a_double_submitted_reply_posts_once_and_counts_once(community, member):
    thread = services.thread_start(community=community, by=member, title="Q", body="Question")
    first = services.post_reply(thread=thread, by=member, body="An answer")
    second = services.post_reply(thread=thread, by=member, body="An answer")
    assert first == second
    thread.refresh_from_db()
    assert thread.reply_count == 1 and thread.last_post == first


def test_a_redelivered_email_posts_once(community, member):
    thread = services.thread_start(community=community, by=member, title="Q", body="Question")
    one = services.post_reply(thread=thread, by=member, body="By mail", message_id="<a@b>", source=Post.Source.EMAIL)
    two = services.post_reply(thread=thread, by=member, body="By mail again", message_id="<a@b>")
    assert one == two and thread.posts.count() == 2


def test_a_closed_thread_takes_no_reply_from_members(community, member):
    thread = services.thread_start(community=community, by=member, title="Q", body="Question")
    Thread.objects.filter(pk=thread.pk).update(closed=True)
    with pytest.raises(services.DiscussionError) as refusal:
        services.post_reply(thread=thread, by=make_member(community), body="Late")
    assert refusal.value.code == "closed"


@pytest.mark.parametrize("title", ["", "Two\nlines", "x" * 201])
def test_a_bad_title_is_refused(community, member, title):
    with pytest.raises(services.DiscussionError):
        services.thread_start(community=community, by=member, title=title, body="Body")
    assert not Thread.objects.exists()


def test_a_left_member_can_no_longer_reply(community):
    from communities.services import membership_leave

    person = make_member(community)
    thread = services.thread_start(community=community, by=person, title="Q", body="Question")
    membership_leave(user=person, community=community)
    with pytest.raises(services.DiscussionError):
        services.post_reply(thread=thread, by=person, body="Still here?")
