"""The discussion pages through HTTP: starting, replying, editing, deleting, quoting, access."""

import pytest

from communities.models import Community, Membership
from communities.services import membership_leave
from discussions import services
from discussions.models import Post, PostRevision, Thread
from tests.discussions.conftest import url
from tests.factories import CommunityFactory, GroupFactory, UserFactory, make_member

pytestmark = pytest.mark.django_db


def test_a_member_starts_a_thread_and_finds_it_in_the_list(client, community, member):
    client.force_login(member)
    response = client.post(url("thread_create", community), {"title": "Budget rules", "body": "How do you *report*?"})
    thread = Thread.objects.get()
    assert response.status_code == 302 and response["Location"] == thread.get_absolute_url()
    page = client.get(thread.get_absolute_url()).content.decode()
    assert "<em>report</em>" in page and 'dir="auto"' in page
    listing = client.get(url("list", community)).content.decode()
    assert "Budget rules" in listing


def test_an_empty_thread_is_refused_with_a_message_and_nothing_is_written(client, community, member):
    client.force_login(member)
    response = client.post(url("thread_create", community), {"title": "  ", "body": ""})
    assert response.status_code == 200 and "This field is required" in response.content.decode()
    assert not Thread.objects.exists()


def test_the_group_choice_lists_only_groups_the_person_may_post_in_and_is_preselected(client, community, member):
    mine = GroupFactory(community=community, name="Team mine")
    GroupFactory(community=community, name="Team other")
    make_member(community, member, group=mine)
    client.force_login(member)
    page = client.get(url("thread_create", community) + f"?group={mine.slug}").content.decode()
    assert "Team mine" in page and "Team other" not in page
    assert f'value="{mine.slug}" selected' in page
    client.post(url("thread_create", community), {"title": "Team talk", "body": "Hi", "group": mine.slug})
    assert Thread.objects.get().group == mine


def test_a_member_replies_and_lands_on_the_reply(client, community, member, thread):
    other = make_member(community)
    client.force_login(other)
    response = client.post(url("thread_reply", community, thread_pk=thread.pk), {"body": "My answer"})
    reply = Post.objects.get(is_opening=False)
    assert response["Location"].endswith(f"#post-{reply.pk}")
    assert "My answer" in client.get(thread.get_absolute_url()).content.decode()
    thread.refresh_from_db()
    assert thread.reply_count == 1


def test_an_empty_reply_changes_nothing(client, community, member, thread):
    client.force_login(member)
    response = client.post(url("thread_reply", community, thread_pk=thread.pk), {"body": "   "})
    assert response.status_code == 302
    assert thread.posts.count() == 1


def test_the_author_edits_a_post_and_the_history_keeps_the_old_text(client, community, member, thread):
    post = thread.posts.get()
    client.force_login(member)
    client.post(url("post_edit", community, post_pk=post.pk), {"body": "New text"})
    post.refresh_from_db()
    assert post.body == "New text" and post.edited_at is not None
    assert PostRevision.objects.get(post=post).body == "Opening **post**"
    page = client.get(thread.get_absolute_url()).content.decode()
    assert "edited" in page and url("post_history", community, post_pk=post.pk) in page
    history = client.get(url("post_history", community, post_pk=post.pk)).content.decode()
    assert "<strong>post</strong>" in history and "New text" in history


def test_someone_else_cannot_edit_or_delete_a_post(client, community, member, thread):
    post = thread.posts.get()
    client.force_login(make_member(community))
    assert client.post(url("post_edit", community, post_pk=post.pk), {"body": "Hijack"}).status_code == 403
    assert client.post(url("post_delete", community, post_pk=post.pk)).status_code == 403
    post.refresh_from_db()
    assert post.body == "Opening **post**" and post.deleted_at is None


def test_the_author_deletes_a_post_and_its_place_says_so(client, community, member, thread):
    reply = services.post_reply(thread=thread, by=member, body="Oops, wrong thread")
    client.force_login(member)
    assert "Delete your post?" in client.get(url("post_delete", community, post_pk=reply.pk)).content.decode()
    client.post(url("post_delete", community, post_pk=reply.pk))
    reply.refresh_from_db()
    assert reply.deleted_at is not None and reply.body == ""
    page = client.get(thread.get_absolute_url()).content.decode()
    assert "This post was deleted." in page and "wrong thread" not in page


def test_quote_prefills_the_reply_form_with_the_quoted_text_and_author(client, community, member, thread):
    author = member.get_full_name()
    services.post_reply(thread=thread, by=member, body="Line one\nLine two")
    quoted = thread.posts.get(is_opening=False)
    client.force_login(make_member(community))
    page = client.get(thread.get_absolute_url() + f"?quote={quoted.pk}").content.decode()
    assert f"&gt; {author} wrote:\n&gt; Line one\n&gt; Line two" in page
    assert f"?quote={quoted.pk}#reply" in page


def test_a_mention_is_stored_rendered_and_makes_the_person_follow(client, community, member, thread):
    amina = make_member(community, UserFactory(full_name="Amina Ben Ali", listed_in_directory=True))
    make_member(community, UserFactory(full_name="Amina Ben"))
    client.force_login(member)
    client.post(url("thread_reply", community, thread_pk=thread.pk), {"body": "Thanks @amina ben ali, and a@b.org"})
    reply = Post.objects.get(is_opening=False)
    assert list(reply.mentions.all()) == [amina]
    assert amina.discussion_subscriptions.filter(thread=thread, level="follow").exists()
    assert f"/c/{community.slug}/members/{amina.pk}/" in reply.body_html


def test_a_visitor_reads_a_public_thread_but_gets_no_reply_form(client, community, thread):
    response = client.get(thread.get_absolute_url())
    page = response.content.decode()
    assert response.status_code == 200 and "Opening" in page
    assert 'name="body"' not in page and "Sign in to reply." in page
    assert "noindex" not in page
    assert client.post(url("thread_reply", community, thread_pk=thread.pk), {"body": "x"}).status_code == 302
    assert thread.posts.count() == 1


def test_a_signed_in_outsider_of_a_public_community_reads_but_cannot_reply(client, community, thread):
    client.force_login(UserFactory())
    page = client.get(thread.get_absolute_url()).content.decode()
    assert 'name="body"' not in page and "Join the community" in page
    client.post(url("thread_reply", community, thread_pk=thread.pk), {"body": "Hello"})
    assert thread.posts.count() == 1


def test_members_only_threads_are_404_to_outsiders_and_send_visitors_to_sign_in(client):
    closed = CommunityFactory(visibility=Community.Visibility.MEMBERS)
    author = make_member(closed)
    thread = services.thread_start(community=closed, by=author, title="Private", body="Inside")
    client.force_login(UserFactory())
    assert client.get(thread.get_absolute_url()).status_code == 404
    assert client.get(url("list", closed)).status_code == 404
    client.logout()
    response = client.get(thread.get_absolute_url())
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_member_who_left_loses_read_and_write_at_once(client):
    closed = CommunityFactory(visibility=Community.Visibility.MEMBERS)
    author = make_member(closed)
    leaver = make_member(closed)
    thread = services.thread_start(community=closed, by=author, title="Private", body="Inside")
    client.force_login(leaver)
    assert client.get(thread.get_absolute_url()).status_code == 200
    membership_leave(user=leaver, community=closed)
    assert client.get(thread.get_absolute_url()).status_code == 404
    assert client.post(url("thread_reply", closed, thread_pk=thread.pk), {"body": "Still here?"}).status_code == 404
    assert thread.posts.count() == 1


def test_a_member_who_left_a_public_community_can_no_longer_reply(client, community, member, thread):
    leaver = make_member(community)
    client.force_login(leaver)
    membership_leave(user=leaver, community=community)
    client.post(url("thread_reply", community, thread_pk=thread.pk), {"body": "Still here?"})
    assert thread.posts.count() == 1
    assert 'name="body"' not in client.get(thread.get_absolute_url()).content.decode()


def test_only_group_members_see_the_reply_form_of_a_group_thread(client, community, member):
    group = GroupFactory(community=community)
    insider = make_member(community, group=group)
    thread = services.thread_start(community=community, group=group, by=insider, title="Team", body="Hi")
    client.force_login(member)
    page = client.get(thread.get_absolute_url()).content.decode()
    assert 'name="body"' not in page and "Members of this group can reply." in page
    assert Membership.objects.filter(user=member, group=group).count() == 0
