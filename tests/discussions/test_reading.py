"""Read state: unread badges and counts, the first-unread link, list filters, constant query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from communities.models import Membership
from discussions import selectors, services
from discussions.models import Post, ReadState, Thread
from tests.discussions.conftest import url
from tests.factories import GroupFactory, make_member

pytestmark = pytest.mark.django_db


def _threads(community, by, count, group=None):
    for number in range(count):
        services.thread_start(community=community, group=group, by=by, title=f"Thread {number}", body="x")


def test_viewing_a_thread_marks_it_read_and_the_badge_goes(client, community, member, thread):
    reader = make_member(community)
    client.force_login(reader)
    assert 'class="badge text-bg-primary">Unread' in client.get(url("list", community)).content.decode()
    assert selectors.unread_counts(reader, [community.pk]) == {community.pk: 1}
    client.get(thread.get_absolute_url())
    assert ReadState.objects.get(user=reader, thread=thread).last_read_post == thread.posts.get()
    assert selectors.unread_counts(reader, [community.pk]) == {}
    assert "Unread</span>" not in client.get(url("list", community)).content.decode()
    services.post_reply(thread=thread, by=member, body="News")
    assert selectors.unread_counts(reader, [community.pk]) == {community.pk: 1}


def test_the_first_unread_link_lands_on_the_right_page_and_post(client, community, member, thread):
    reader = make_member(community)
    for number in range(60):
        Post.objects.create(community=community, thread=thread, author=member, body=f"r{number}", body_html="x")
    posts = list(thread.posts.order_by("created_at", "pk"))
    last = posts[-1]
    Thread.objects.filter(pk=thread.pk).update(last_post=last, last_post_at=last.created_at)
    services.thread_mark_read(user=reader, thread=thread, post=posts[54])
    client.force_login(reader)
    page = client.get(thread.get_absolute_url()).content.decode()
    assert f"?page=2#post-{posts[55].pk}" in page
    # the first page was shown: reading it does not move the read state back
    assert ReadState.objects.get(user=reader, thread=thread).last_read_post == posts[54]
    client.get(thread.get_absolute_url() + "?page=2")
    assert ReadState.objects.get(user=reader, thread=thread).last_read_post == last


def test_list_filters_by_group_unread_mine_and_unanswered(client, community, member):
    group = GroupFactory(community=community)
    reader = make_member(community, group=group)
    services.thread_start(community=community, group=group, by=reader, title="Group thread", body="x")
    answered = services.thread_start(community=community, by=member, title="Answered thread", body="x")
    services.post_reply(thread=answered, by=reader, body="reply")
    services.thread_start(community=community, by=member, title="Lonely thread", body="x")
    client.force_login(reader)

    def titles(query):
        page = client.get(url("list", community) + query).content.decode()
        return {title for title in ("Group thread", "Answered thread", "Lonely thread") if title in page}

    assert titles(f"?group={group.slug}") == {"Group thread"}
    assert titles("?filter=mine") == {"Group thread", "Answered thread"}
    assert titles("?filter=unanswered") == {"Group thread", "Lonely thread"}
    assert titles("?filter=unread") == {"Lonely thread"}
    assert titles("?filter=bogus") == {"Group thread", "Answered thread", "Lonely thread"}


def test_the_thread_list_runs_the_same_queries_for_10_or_200_threads(
    client, community, member, django_assert_num_queries
):
    reader = make_member(community)
    # A group from the start: a community without any group the reader may see is not asked for its
    # groups at all (visible_group_ids is then an empty list), one query less than with one.
    GroupFactory(community=community)
    _threads(community, member, 10)
    client.force_login(reader)
    client.get(url("list", community))  # warm the per-session caches (header)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url("list", community)).status_code == 200
    coordinator = make_member(community, role=Membership.Role.COORDINATOR)
    _threads(community, coordinator, 190, group=GroupFactory(community=community))
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(url("list", community) + "?filter=unread").status_code == 200


def test_a_thread_page_runs_the_same_queries_for_10_or_500_posts(
    client, community, member, thread, django_assert_num_queries
):
    reader = make_member(community)
    authors = [make_member(community) for _ in range(5)]

    def add(count):
        Post.objects.bulk_create(
            Post(community=community, thread=thread, author=authors[n % 5], body="b", body_html="<p>b</p>")
            for n in range(count)
        )
        last = thread.posts.order_by("-created_at", "-pk").first()
        Thread.objects.filter(pk=thread.pk).update(last_post=last, last_post_at=last.created_at)

    add(9)
    client.force_login(reader)
    client.get(thread.get_absolute_url() + "?page=9")
    ReadState.objects.all().delete()
    with CaptureQueriesContext(connection) as few:
        assert client.get(thread.get_absolute_url()).status_code == 200
    add(490)
    ReadState.objects.all().delete()
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(thread.get_absolute_url() + "?page=3").status_code == 200


def test_unread_counts_show_on_the_community_tabs_and_on_me(client, community, member, thread):
    reader = make_member(community)
    client.force_login(reader)
    bar = client.get(url("list", community)).content.decode()
    assert "Discussions <span" in bar and '1<span class="visually-hidden"> unread</span>' in bar
    assert "1 unread discussion" in client.get("/me/").content.decode()
    client.get(thread.get_absolute_url())
    assert "unread discussion" not in client.get("/me/").content.decode()
