"""Issue 15: visitors are served stored copies of the public pages, fresh and never someone else's.

cop_portal.anonymous_cache keeps, for ANONYMOUS_CACHE_SECONDS, the page a visitor without a session
was served, and serves it to the next such visitor with that request's own CSP nonce and CSRF
token. A saved row a visitor could see makes every copy stale at once. Signed-in people, visitors
with a session or a pending message, and pages not in ANONYMOUS_CACHE_VIEWS are never served one.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communities.models import Community
from cop_portal import anonymous_cache
from meetings.models import Meeting
from tests.factories import CommunityFactory, UserFactory, make_member
from tests.meetings.factories import MeetingFactory

pytestmark = pytest.mark.django_db

NONCE = re.compile(r'<style nonce="([^"]+)"')
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def _cache_on(settings):
    settings.ANONYMOUS_CACHE_SECONDS = 60


@pytest.fixture
def place():
    community = CommunityFactory(slug="anon-cop", name="Anon CoP")
    member = make_member(community, UserFactory(full_name="Marta Member"))
    meeting = MeetingFactory(community=community, title="Steering committee")
    return {"community": community, "member": member, "meeting": meeting}


def visit(url, client=None, **extra):
    return (client or Client()).get(url, **extra)


def stored(url, **extra):
    """Visit url as two visitors: the page is stored at its second request (never for a one-off address)."""
    first = visit(url, **extra)
    assert first["X-Anonymous-Cache"] == "miss"
    assert visit(url, **extra)["X-Anonymous-Cache"] == "miss"
    return first


def test_the_second_visitor_gets_the_copy_without_a_query(place):
    url = reverse("communities:home", args=["anon-cop"])
    first = stored(url)
    assert first.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        second = visit(url)
    assert second["X-Anonymous-Cache"] == "hit"
    assert len(queries) == 0, [query["sql"] for query in queries]
    assert "Anon CoP" in second.content.decode()
    # The same page, apart from what belongs to one request.
    strip = lambda text: TOKEN.sub("", NONCE.sub("", text))  # noqa: E731
    assert strip(second.content.decode()) == strip(first.content.decode())


def test_the_copy_carries_the_requests_own_nonce(place):
    url = reverse("meetings:list", args=["anon-cop"])
    first = stored(url)
    second = visit(url)
    assert second["X-Anonymous-Cache"] == "hit"
    nonces = NONCE.findall(second.content.decode())
    assert nonces and set(nonces) != set(NONCE.findall(first.content.decode()))
    # The policy of the answer allows exactly the nonce in its page, so the community's styles apply.
    assert f"'nonce-{nonces[0]}'" in second["Content-Security-Policy"]
    assert anonymous_cache.NONCE_MARK not in second.content.decode()


def test_the_copy_carries_a_working_csrf_token_of_the_visitors_own(place):
    url = reverse("communities:home", args=["anon-cop"])
    stored(url)
    first_visitor = Client(enforce_csrf_checks=True)
    stored_page = visit(url, first_visitor)
    visitor = Client(enforce_csrf_checks=True)
    served = visit(url, visitor)
    assert served["X-Anonymous-Cache"] == "hit"
    tokens = TOKEN.findall(served.content.decode())
    assert tokens and anonymous_cache.CSRF_MARK not in served.content.decode()
    assert set(tokens).isdisjoint(TOKEN.findall(stored_page.content.decode()))
    # The visitor's own cookie came with the copy, and the language switcher's form works with it.
    assert django_settings.CSRF_COOKIE_NAME in served.cookies
    answer = visitor.post(reverse("set_language"), {"csrfmiddlewaretoken": tokens[0], "language": "it", "next": url})
    assert answer.status_code == 302
    # The first visitor's token does not work for the second: nobody's token is shared.
    refused = visitor.post(
        reverse("set_language"),
        {"csrfmiddlewaretoken": TOKEN.findall(stored_page.content.decode())[0], "language": "it", "next": url},
    )
    assert refused.status_code == 403


def test_a_saved_meeting_shows_at_once(place, django_capture_on_commit_callbacks):
    url = reverse("meetings:detail", args=["anon-cop", place["meeting"].pk])
    stored(url)
    assert visit(url)["X-Anonymous-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        meeting = Meeting.objects.get(pk=place["meeting"].pk)
        meeting.title = "Steering committee, moved"
        meeting.save()
    answer = visit(url)
    assert answer["X-Anonymous-Cache"] == "miss"
    assert "Steering committee, moved" in answer.content.decode()


def test_a_community_made_members_only_is_not_served_from_its_copy(place, django_capture_on_commit_callbacks):
    url = reverse("meetings:list", args=["anon-cop"])
    stored(url)
    with django_capture_on_commit_callbacks(execute=True):
        community = Community.objects.get(slug="anon-cop")
        community.visibility = Community.Visibility.MEMBERS
        community.save()
    answer = visit(url)
    assert answer.status_code != 200 and "Steering committee" not in answer.content.decode()


def test_rows_nobody_sees_leave_the_copies_alone(place, django_capture_on_commit_callbacks):
    url = reverse("communities:home", args=["anon-cop"])
    stored(url)
    with django_capture_on_commit_callbacks(execute=True):
        member = place["member"]
        member.last_login = member.date_joined
        member.save(update_fields=["last_login"])  # what every sign-in writes
    assert visit(url)["X-Anonymous-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        make_member(place["community"], UserFactory(full_name="Nadia New"))  # a membership is public
    assert visit(url)["X-Anonymous-Cache"] == "miss"


def test_signed_in_people_are_never_served_a_copy_and_never_leave_one(place):
    url = reverse("communities:home", args=["anon-cop"])
    member = Client()
    member.force_login(place["member"])
    own = member.get(url)
    assert "X-Anonymous-Cache" not in own
    stored(url)  # the member's page was not stored: two visitors' misses
    assert visit(url)["X-Anonymous-Cache"] == "hit"
    again = member.get(url)
    assert "X-Anonymous-Cache" not in again
    assert again.context["user"] == place["member"]


def test_a_visitor_with_a_session_or_a_pending_message_gets_a_fresh_page(place):
    url = reverse("communities:home", args=["anon-cop"])
    stored(url)
    with_session = Client()
    with_session.cookies[django_settings.SESSION_COOKIE_NAME] = "some-session"
    assert "X-Anonymous-Cache" not in with_session.get(url)
    with_message = Client()
    with_message.cookies["messages"] = "anything"
    assert "X-Anonymous-Cache" not in with_message.get(url)


def test_each_language_and_time_zone_has_its_own_copy(place):
    url = reverse("communities:home", args=["anon-cop"])
    english = stored(url)
    italian = stored(url, HTTP_ACCEPT_LANGUAGE="it")  # two misses: the English copy is not the Italian
    assert italian["Content-Language"] == "it" and english["Content-Language"] == "en"
    assert visit(url, HTTP_ACCEPT_LANGUAGE="it")["X-Anonymous-Cache"] == "hit"
    in_tokyo = Client()
    in_tokyo.cookies["cop_tz"] = "Asia/Tokyo"
    assert in_tokyo.get(url)["X-Anonymous-Cache"] == "miss"
    assert visit(url)["X-Anonymous-Cache"] == "hit"


def test_each_search_has_its_own_copy(place):
    first = stored("/search/?q=steering")
    assert "Steering committee" in first.content.decode()
    other = stored("/search/?q=nothingmatches")
    assert "Steering committee" not in other.content.decode()
    assert visit("/search/?q=steering")["X-Anonymous-Cache"] == "hit"


def test_pages_not_listed_and_answers_other_than_200_are_not_cached(place):
    hidden = CommunityFactory(slug="closed-cop", visibility=Community.Visibility.MEMBERS)
    url = reverse("meetings:list", args=[hidden.slug])
    assert visit(url).status_code != 200
    assert visit(url)["X-Anonymous-Cache"] == "miss"
    feed = reverse("meetings:calendar", args=["anon-cop"])  # not in ANONYMOUS_CACHE_VIEWS
    assert visit(feed).status_code == 200
    assert "X-Anonymous-Cache" not in visit(feed)


def test_off_when_seconds_is_zero(place, settings):
    settings.ANONYMOUS_CACHE_SECONDS = 0
    url = reverse("communities:home", args=["anon-cop"])
    visit(url)
    assert "X-Anonymous-Cache" not in visit(url)


def test_a_copy_from_before_a_lost_generation_is_not_served(place):
    url = reverse("communities:home", args=["anon-cop"])
    stored(url)
    cache.delete(anonymous_cache.GENERATION_KEY)  # Redis restarted without the generation
    assert visit(url)["X-Anonymous-Cache"] == "miss"
    assert visit(url)["X-Anonymous-Cache"] == "hit"


def test_an_address_asked_once_leaves_a_marker_not_a_page(place, monkeypatch):
    """A flood of made-up query strings must not fill the cache (shared with the broker) with pages."""

    class Recording:
        def __init__(self, real):
            self.real, self.pages = real, []

        def __getattr__(self, name):
            return getattr(self.real, name)

        def set(self, key, value, *args, **kwargs):
            if key != anonymous_cache.GENERATION_KEY:
                self.pages.append(value)
            return self.real.set(key, value, *args, **kwargs)

    recording = Recording(cache)
    monkeypatch.setattr(anonymous_cache, "cache", recording)
    for number in range(5):
        assert visit(f"/search/?q=steering&n={number}")["X-Anonymous-Cache"] == "miss"
    assert recording.pages == []
    stored("/search/?q=steering")
    assert len(recording.pages) == 1
    packed = recording.pages[0][2]
    assert isinstance(packed, bytes) and len(packed) < len(visit("/search/?q=steering").content) / 2


def test_the_only_csrf_tokens_in_templates_are_the_tags_the_cache_finds():
    root = Path(django_settings.BASE_DIR)
    templates = [path for path in root.glob("**/templates/**/*.html") if ".venv" not in path.parts]
    assert templates
    for path in templates:
        text = path.read_text()
        assert "{{ csrf_token" not in text and "csrf_token|" not in text, path


@pytest.mark.browser
def test_a_copy_keeps_to_the_policy_and_its_form_works_in_chromium(browser, live_server, transactional_db, settings):
    """Three visitors in Chromium: the third is served the copy, styled under the policy, and can switch language."""
    settings.ANONYMOUS_CACHE_SECONDS = 60
    community = CommunityFactory(slug="anon-browser", name="Anon Browser", accent_color="#f5c400")
    MeetingFactory(community=community, title="Steering committee")
    url = live_server.url + community.get_absolute_url()
    served = []
    for _visitor in range(3):
        context = browser.new_context(locale="en-GB")  # enforced policy: no bypass_csp
        try:
            page = context.new_page()
            violations: list[str] = []
            page.on("console", lambda m, v=violations: v.append(m.text) if "Security Policy" in m.text else None)
            response = page.goto(url)
            page.wait_for_load_state("load")
            served.append(response.headers.get("x-anonymous-cache"))
            background = page.evaluate("getComputedStyle(document.querySelector('.community-bar')).backgroundColor")
            assert background == "rgb(245, 196, 0)", "the community accent applies: the copy's nonce is this request's"
            assert not violations, violations
            page.select_option("#language-select", "it")
            page.locator(".language-switcher button[type=submit]").click()
            page.wait_for_load_state("load")
            assert page.evaluate("document.documentElement.lang") == "it", "the copy's CSRF token is accepted"
        finally:
            context.close()
    assert served == ["miss", "miss", "hit"]
