"""The digest's "Discussions" section: new posts in what a person follows, for people in digest mode only."""

from datetime import datetime, time, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from communities.models import Community
from communities.services import membership_leave
from cop_portal.digests import build_digests, digest_send, dispatch
from discussions import services
from discussions.models import DeliveryMode, DiscussionPreference, Post, Subscription
from members.models import EmailLedger
from tests.factories import CommunityFactory, GroupFactory, UserFactory, make_member
from tests.notifications.conftest import ROME, html_part

pytestmark = pytest.mark.django_db


@pytest.fixture
def monday():
    """The first Monday 07:30 in Rome whose weekly digest period contains now."""
    local = timezone.now().astimezone(ROME)
    days = (7 - local.weekday()) % 7
    if days == 0 and local.time() >= time(7):
        days = 7
    return datetime.combine(local.date() + timedelta(days=days), time(7, 30), tzinfo=ROME)


def follow(user, *, thread=None, group=None, community=None, level=Subscription.Level.FOLLOW):
    community = community or (thread.community if thread else group.community)
    Subscription.objects.update_or_create(
        user=user, thread=thread, group=group, community=community, defaults={"level": level}
    )


def digest_of(user, monday):
    (digest,) = [d for d in build_digests([user], now=monday) if d.user == user]
    return digest


def titles(digest):
    return {post.thread.title for post in digest.posts}


@pytest.fixture
def space():
    community = CommunityFactory(slug="rebuild", name="REBUILD")
    reader = make_member(community, UserFactory(full_name="Rita Reader", time_zone="Europe/Rome"))
    author = make_member(community, UserFactory(full_name="Aldo Author"))
    thread = services.thread_start(community=community, by=author, title="Partnership meeting time", body="When?")
    return {"community": community, "reader": reader, "author": author, "thread": thread}


def test_new_posts_in_a_followed_thread_are_in_the_digest_with_a_link(
    space, monday, django_capture_on_commit_callbacks
):
    reader, author, thread = space["reader"], space["author"], space["thread"]
    follow(reader, thread=thread)
    services.post_reply(thread=thread, by=author, body="Tuesday 10:00 Tripoli time works for Sfax.")
    services.post_reply(thread=thread, by=reader, body="My own reply is no news to me.")

    with django_capture_on_commit_callbacks(execute=True):
        dispatch(now=monday)

    (message,) = [m for m in mail.outbox if m.to == [reader.email]]
    for part in (message.body, html_part(message)):
        assert "Discussions you follow" in part
        assert "Partnership meeting time" in part
        assert "Tuesday 10:00 Tripoli time" in part
        assert f"/c/rebuild/discussions/{thread.pk}/" in part
        assert "My own reply" not in part
    assert "2 new posts" in message.body  # the opening post and Aldo's reply; not Rita's own


def test_following_a_group_or_a_community_brings_its_threads_and_a_muted_thread_stays_out(space, monday):
    community, reader, author = space["community"], space["reader"], space["author"]
    group = GroupFactory(community=community)
    make_member(community, author, group=group)
    services.thread_start(community=community, group=group, by=author, title="Team thread", body="Team news")
    assert titles(digest_of(reader, monday)) == set()

    follow(reader, group=group)
    assert titles(digest_of(reader, monday)) == {"Team thread"}

    follow(reader, community=community)
    assert titles(digest_of(reader, monday)) == {"Team thread", "Partnership meeting time"}

    follow(reader, thread=space["thread"], level=Subscription.Level.MUTE)
    assert titles(digest_of(reader, monday)) == {"Team thread"}


@pytest.mark.parametrize(
    ("mode", "expected"),
    [(None, True), (DeliveryMode.DIGEST, True), (DeliveryMode.EVERY_POST, False), (DeliveryMode.OFF, False)],
)
def test_only_people_receiving_discussions_in_the_digest_get_them_there(space, monday, mode, expected):
    reader = space["reader"]
    follow(reader, thread=space["thread"])
    if mode:
        DiscussionPreference.objects.create(user=reader, community=space["community"], mode=mode)
    assert bool(digest_of(reader, monday).posts) is expected


def test_hidden_and_deleted_posts_are_left_out(space, monday):
    reader, thread = space["reader"], space["thread"]
    follow(reader, thread=thread)
    hidden = services.post_reply(thread=thread, by=space["author"], body="Hidden by a moderator")
    Post.objects.filter(pk=hidden.pk).update(hidden_at=timezone.now())
    assert [post.body for post in digest_of(reader, monday).posts] == ["When?"]


def test_a_post_hidden_between_the_build_and_the_send_is_not_sent(space, monday):
    reader, thread = space["reader"], space["thread"]
    follow(reader, thread=thread)
    kept = services.post_reply(thread=thread, by=space["author"], body="Kept reply")
    gone = services.post_reply(thread=thread, by=space["author"], body="Removed reply")
    digest = digest_of(reader, monday)
    assert {post.pk for post in digest.posts} >= {kept.pk, gone.pk}

    Post.objects.filter(pk=gone.pk).update(deleted_at=timezone.now())
    digest_send(user_id=reader.pk, period=digest.period, payload=digest.payload())

    (message,) = mail.outbox
    assert "Kept reply" in message.body and "Removed reply" not in message.body


def test_leaving_a_members_only_community_before_the_send_drops_its_discussions(monday):
    closed = CommunityFactory(visibility=Community.Visibility.MEMBERS)
    reader, author = make_member(closed), make_member(closed)
    thread = services.thread_start(community=closed, by=author, title="Budget", body="Members-only figures")
    follow(reader, thread=thread)
    digest = digest_of(reader, monday)
    assert digest.posts

    membership_leave(user=reader, community=closed)
    assert digest_send(user_id=reader.pk, period=digest.period, payload=digest.payload()) is False
    assert mail.outbox == []
    assert EmailLedger.objects.get(user=reader, kind="digest").status == EmailLedger.Status.SKIPPED


def test_switching_to_every_post_before_the_send_drops_the_section(space, monday):
    reader = space["reader"]
    follow(reader, thread=space["thread"])
    digest = digest_of(reader, monday)
    assert digest.posts and digest.members  # Aldo joined this week: the digest goes out anyway
    DiscussionPreference.objects.create(user=reader, community=space["community"], mode=DeliveryMode.EVERY_POST)
    digest_send(user_id=reader.pk, period=digest.period, payload=digest.payload())
    (message,) = mail.outbox
    assert "Aldo Author" in message.body
    assert "Partnership meeting time" not in message.body and "Discussions you follow" not in message.body


def test_a_followed_thread_of_a_members_only_community_is_not_sent_to_a_non_member(monday):
    closed = CommunityFactory(visibility=Community.Visibility.MEMBERS)
    thread = services.thread_start(community=closed, by=make_member(closed), title="Inner", body="Secret")
    outsider = make_member(CommunityFactory())
    follow(outsider, thread=thread)  # a stale subscription from before they left, say
    assert digest_of(outsider, monday).posts == []


def test_the_section_costs_the_same_queries_for_5_or_50_people(space, monday, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from members.models import User

    community, thread = space["community"], space["thread"]
    people = [make_member(community, UserFactory(time_zone="Europe/Rome")) for _ in range(50)]
    for person in people:
        follow(person, thread=thread)
    for n in range(5):
        services.post_reply(thread=thread, by=people[n], body=f"Reply {n}")
    small = list(User.objects.filter(pk__in=[p.pk for p in people[:5]]))
    large = list(User.objects.filter(pk__in=[p.pk for p in people]))
    with CaptureQueriesContext(connection) as few:
        small_digests = build_digests(small, now=monday)
    with django_assert_num_queries(len(few.captured_queries)):
        large_digests = build_digests(large, now=monday)
    assert all(d.posts for d in small_digests) and all(d.posts for d in large_digests)
