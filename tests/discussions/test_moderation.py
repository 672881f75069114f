"""Moderators pin, close, move threads and hide posts; members flag posts; others are refused and nothing changes."""

import pytest

from communities.models import Membership
from discussions import services
from discussions.models import Flag, Post
from tests.discussions.conftest import url
from tests.factories import GroupFactory, make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(community):
    return make_member(community, role=Membership.Role.COORDINATOR)


@pytest.mark.parametrize("action,field,value", [("thread_pin", "pinned", True), ("thread_close", "closed", True)])
def test_a_coordinator_pins_and_closes_and_a_member_is_refused(
    client, community, thread, coordinator, action, field, value
):
    client.force_login(make_member(community))
    assert client.post(url(action, community, thread_pk=thread.pk)).status_code == 403
    thread.refresh_from_db()
    assert getattr(thread, field) is not value
    client.force_login(coordinator)
    client.post(url(action, community, thread_pk=thread.pk))
    client.post(url(action, community, thread_pk=thread.pk))  # a repeat changes nothing
    thread.refresh_from_db()
    assert getattr(thread, field) is value


def test_pinned_threads_come_first_in_the_list(client, community, member, thread, coordinator):
    services.thread_start(community=community, by=member, title="Later thread", body="x")
    client.force_login(coordinator)
    client.post(url("thread_pin", community, thread_pk=thread.pk))
    page = client.get(url("list", community)).content.decode()
    assert page.index("Where do we start?") < page.index("Later thread")


def test_a_closed_thread_says_so_and_takes_no_reply_from_members(client, community, member, thread, coordinator):
    services.thread_close(thread=thread, by=coordinator)
    client.force_login(member)
    page = client.get(thread.get_absolute_url()).content.decode()
    assert "This thread is closed" in page and 'name="body"' not in page
    client.post(url("thread_reply", community, thread_pk=thread.pk), {"body": "Late"})
    assert thread.posts.count() == 1
    client.force_login(coordinator)
    client.post(url("thread_reopen", community, thread_pk=thread.pk))
    thread.refresh_from_db()
    assert not thread.closed


def test_a_coordinator_moves_a_thread_to_a_group_and_back(client, community, thread, coordinator):
    group = GroupFactory(community=community, name="Energy team")
    client.force_login(coordinator)
    assert "Energy team" in client.get(url("thread_move", community, thread_pk=thread.pk)).content.decode()
    client.post(url("thread_move", community, thread_pk=thread.pk), {"group": group.slug})
    thread.refresh_from_db()
    assert thread.group == group
    client.post(url("thread_move", community, thread_pk=thread.pk), {"group": ""})
    thread.refresh_from_db()
    assert thread.group is None


def test_a_member_cannot_move_a_thread(client, community, thread):
    group = GroupFactory(community=community)
    client.force_login(make_member(community))
    assert client.post(url("thread_move", community, thread_pk=thread.pk), {"group": group.slug}).status_code == 403
    thread.refresh_from_db()
    assert thread.group is None


def test_a_facilitator_moderates_their_groups_threads_only(client, community, member):
    group = GroupFactory(community=community)
    facilitator = make_member(community, role=Membership.Role.MEMBER)
    make_member(community, facilitator, group=group, role=Membership.Role.FACILITATOR)
    in_group = services.thread_start(community=community, group=group, by=facilitator, title="Team", body="Hi")
    outside = services.thread_start(community=community, by=member, title="Everyone", body="Hi")
    client.force_login(facilitator)
    client.post(url("thread_pin", community, thread_pk=in_group.pk))
    assert client.post(url("thread_pin", community, thread_pk=outside.pk)).status_code == 403
    in_group.refresh_from_db(), outside.refresh_from_db()
    assert in_group.pinned and not outside.pinned


def test_a_moderator_hides_a_post_members_see_a_placeholder_and_unhide_restores(
    client, community, member, thread, coordinator
):
    reply = services.post_reply(thread=thread, by=make_member(community), body="Rude words")
    client.force_login(member)
    assert client.post(url("post_hide", community, post_pk=reply.pk)).status_code == 403
    client.force_login(coordinator)
    client.post(url("post_hide", community, post_pk=reply.pk))
    reply.refresh_from_db()
    assert reply.hidden_at is not None
    client.force_login(member)
    page = client.get(thread.get_absolute_url()).content.decode()
    assert "A moderator hid this post." in page and "Rude words" not in page
    client.force_login(coordinator)
    assert "Rude words" in client.get(thread.get_absolute_url()).content.decode()
    client.post(url("post_unhide", community, post_pk=reply.pk))
    reply.refresh_from_db()
    assert reply.hidden_at is None


def test_a_member_flags_a_post_once_and_the_moderator_resolves_it_on_the_flags_page(
    client, community, member, thread, coordinator
):
    post = thread.posts.get()
    flagger = make_member(community)
    client.force_login(flagger)
    assert client.get(url("post_flag", community, post_pk=post.pk)).status_code == 200
    client.post(url("post_flag", community, post_pk=post.pk), {"reason": "Off topic"})
    client.post(url("post_flag", community, post_pk=post.pk), {"reason": "Again"})
    flag = Flag.objects.get()
    assert flag.reason == "Off topic"
    assert client.get(url("flags", community)).status_code == 404  # members do not see the flags page
    client.force_login(coordinator)
    page = client.get(url("flags", community)).content.decode()
    assert "Off topic" in page and "Where do we start?" in page
    client.post(url("flags", community), {"flag": flag.pk, "action": "hide"})
    flag.refresh_from_db()
    assert flag.resolved_at is not None
    assert Post.objects.get(pk=post.pk).hidden_at is not None
    assert "Off topic" not in client.get(url("flags", community)).content.decode()


def test_dismissing_a_flag_keeps_the_post(client, community, member, thread, coordinator):
    post = thread.posts.get()
    flag = services.flag_create(post=post, by=make_member(community))
    client.force_login(coordinator)
    client.post(url("flags", community), {"flag": flag.pk, "action": "dismiss"})
    flag.refresh_from_db()
    post.refresh_from_db()
    assert flag.resolved_at is not None and post.hidden_at is None
