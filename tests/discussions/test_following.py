"""Following and muting threads, groups and communities, and the email settings page, through HTTP."""

import re

import pytest
from django.urls import reverse

from communities.models import Community
from discussions import services
from discussions.models import DeliveryMode, DiscussionPreference, Subscription
from tests.factories import CommunityFactory, GroupFactory, UserFactory, make_member

pytestmark = pytest.mark.django_db


def _settings_url(community):
    return reverse("discussion_mail:email_settings", kwargs={"community_slug": community.slug})


def _thread_follow_url(thread):
    return reverse(
        "discussion_mail:thread_follow", kwargs={"community_slug": thread.community.slug, "thread_pk": thread.pk}
    )


def _group_follow_url(group):
    return reverse(
        "discussion_mail:group_follow", kwargs={"community_slug": group.community.slug, "group_slug": group.slug}
    )


def test_a_member_mutes_a_thread_they_follow_and_unmutes_it(client, community, member):
    thread = services.thread_start(community=community, by=member, title="Budget", body="Numbers")
    client.force_login(member)

    response = client.post(_thread_follow_url(thread), {"level": "mute", "next": _settings_url(community)})
    assert response.status_code == 302 and response["Location"] == _settings_url(community)
    assert Subscription.objects.get(user=member, thread=thread).level == "mute"

    client.post(_thread_follow_url(thread), {"level": "mute"})  # a double submit changes nothing
    assert Subscription.objects.filter(user=member, thread=thread).count() == 1

    client.post(_thread_follow_url(thread), {"level": "clear"})
    assert not Subscription.objects.filter(user=member, thread=thread).exists()


def test_a_member_follows_a_group_and_the_community(client, community, member):
    group = GroupFactory(community=community)
    client.force_login(member)
    client.post(_group_follow_url(group), {"level": "follow"})
    community_url = reverse("discussion_mail:community_follow", kwargs={"community_slug": community.slug})
    client.post(community_url, {"level": "mute"})
    assert Subscription.objects.get(user=member, group=group).level == "follow"
    assert Subscription.objects.get(user=member, community=community, group=None, thread=None).level == "mute"


def test_a_bad_level_is_refused_with_a_message_and_changes_nothing(client, community, member):
    client.force_login(member)
    response = client.post(
        reverse("discussion_mail:community_follow", kwargs={"community_slug": community.slug}),
        {"level": "shout"},
        follow=True,
    )
    assert "Choose to follow or to mute." in response.content.decode()
    assert not Subscription.objects.filter(user=member).exists()


def test_a_get_on_a_follow_url_changes_nothing(client, community, member):
    client.force_login(member)
    response = client.get(reverse("discussion_mail:community_follow", kwargs={"community_slug": community.slug}))
    assert response.status_code == 302
    assert not Subscription.objects.exists()


def test_outsiders_cannot_follow_and_anonymous_visitors_are_sent_to_sign_in(client, community, member):
    thread = services.thread_start(community=community, by=member, title="Budget", body="Numbers")
    outsider = make_member(CommunityFactory(slug="elsewhere"))
    client.force_login(outsider)
    assert client.post(_thread_follow_url(thread), {"level": "follow"}).status_code == 404
    client.logout()
    response = client.post(_thread_follow_url(thread), {"level": "follow"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert not Subscription.objects.exclude(user=member).exists()


def test_a_thread_of_another_community_is_not_found_under_this_one(client, community, member):
    other = CommunityFactory(slug="other")
    author = make_member(other)
    thread = services.thread_start(community=other, by=author, title="Theirs", body="Text")
    make_member(other, member)
    client.force_login(member)
    url = reverse("discussion_mail:thread_follow", kwargs={"community_slug": community.slug, "thread_pk": thread.pk})
    assert client.post(url, {"level": "mute"}).status_code == 404


def test_the_email_settings_page_shows_the_digest_default_and_saves_every_post(client, community, member):
    group = GroupFactory(community=community, slug="team")
    make_member(community, member, group=group)
    client.force_login(member)

    page = client.get(_settings_url(community))
    body = page.content.decode()
    assert page.status_code == 200
    assert re.search(r'value="digest"[^>]*checked', body), "the digest is the default"
    assert f"{community.slug}@reply.cop.localhost" in body
    assert f"{community.slug}.team@reply.cop.localhost" in body

    response = client.post(_settings_url(community), {"mode": "every_post"})
    assert response.status_code == 302
    assert DiscussionPreference.objects.get(user=member, community=community).mode == DeliveryMode.EVERY_POST
    assert Subscription.objects.get(user=member, community=community, group=None, thread=None).level == "follow"

    client.post(_settings_url(community), {"mode": "every_post"})  # again: nothing new
    assert DiscussionPreference.objects.filter(user=member).count() == 1


def test_choosing_a_mode_that_does_not_exist_is_refused(client, community, member):
    client.force_login(member)
    response = client.post(_settings_url(community), {"mode": "pigeon"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not DiscussionPreference.objects.exists()


def test_the_email_settings_page_is_for_members_only(client, community):
    community.visibility = Community.Visibility.MEMBERS
    community.save()
    client.force_login(UserFactory())
    assert client.get(_settings_url(community)).status_code == 404


def test_the_email_settings_page_runs_the_same_queries_with_many_groups(client, community, member):
    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(_settings_url(community)).status_code == 200
        return len(queries)

    client.force_login(member)
    GroupFactory(community=community)
    count()  # the first request of a session reads more (the session, the language)
    few = count()
    for _ in range(8):
        group = GroupFactory(community=community)
        Subscription.objects.create(user=member, community=community, group=group, level="mute")
    assert count() == few


def test_the_follow_controls_show_the_choice_that_decides(client, community, member, rf):
    from django.template.loader import render_to_string

    thread = services.thread_start(community=community, by=make_member(community), title="T", body="B")
    services.subscription_set(user=member, community=community, level="follow")
    request = rf.get("/")
    request.user = member
    html = render_to_string("discussions/partials/_follow_controls.html", {"thread": thread}, request=request)
    assert "You follow this through a wider space." in html
    assert _thread_follow_url(thread) in html
    services.subscription_set(user=member, community=community, thread=thread, level="mute")
    html = render_to_string("discussions/partials/_follow_controls.html", {"thread": thread}, request=request)
    assert "You muted this." in html and "Unmute" in html
    request.user = UserFactory()
    assert "<form" not in render_to_string(
        "discussions/partials/_follow_controls.html", {"thread": thread}, request=request
    )


def test_a_member_who_left_can_no_longer_follow_or_open_the_settings(client, community, member):
    from communities.services import membership_leave

    thread = services.thread_start(community=community, by=make_member(community), title="T", body="B")
    client.force_login(member)
    assert client.get(_settings_url(community)).status_code == 200
    membership_leave(user=member, community=community)
    assert client.get(_settings_url(community)).status_code == 404
    assert client.post(_thread_follow_url(thread), {"level": "follow"}).status_code == 404
    assert not Subscription.objects.filter(user=member).exists()


@pytest.mark.browser
@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_email_settings_page_passes_axe(browser, live_server, transactional_db, language):
    from tests.browser import assert_no_axe_violations, force_login_cookie, html_attributes

    community = CommunityFactory(slug="axe-cop", name="Axe CoP")
    group = GroupFactory(community=community, name="فريق التنسيق")
    person = make_member(community, UserFactory(language=language), group=group)
    services.subscription_set(user=person, community=community, group=group, level="mute")
    context = browser.new_context(locale="en-GB")
    try:
        force_login_cookie(context, live_server, person)
        page = context.new_page()
        response = page.goto(live_server.url + _settings_url(community))
        assert response is not None and response.ok
        assert html_attributes(page)["lang"] == language
        assert_no_axe_violations(page)
        page.locator("input[value='every_post']").check()
        page.locator("form.card button[type=submit]").click()
        page.wait_for_load_state()
        assert page.locator("input[value='every_post']").is_checked()
    finally:
        context.close()


def test_the_incoming_address_partial_shows_the_address_only_to_those_who_may_write(community, member, rf):
    from django.template.loader import render_to_string

    group = GroupFactory(community=community, slug="team")
    request = rf.get("/")
    request.user = member
    template = "discussions/partials/_incoming_address.html"
    assert "@reply.cop.localhost" not in render_to_string(template, {"group": group}, request=request)
    make_member(community, member, group=group)
    html = render_to_string(template, {"group": group}, request=request)
    assert f"{community.slug}.team@reply.cop.localhost" in html


@pytest.mark.parametrize("target", ["group", "community"])
def test_the_follow_controls_take_a_group_or_a_community_alone(community, member, rf, target):
    from django.template.loader import render_to_string

    group = GroupFactory(community=community)
    request = rf.get("/")
    request.user = member
    context = {"group": group} if target == "group" else {"community": community}
    html = render_to_string("discussions/partials/_follow_controls.html", context, request=request)
    expected = _group_follow_url(group) if target == "group" else f"/c/{community.slug}/discussions/follow/"
    assert f'action="{expected}"' in html and "You do not follow this." in html
    address = render_to_string("discussions/partials/_incoming_address.html", {"community": community}, request=request)
    assert f"{community.slug}@reply.cop.localhost" in address
