"""axe-core on every main page: signed out, as a member and as a coordinator, in English, Italian and Arabic.

The pages come from one community as full as a real one (tests/design/conftest.build_world), with
a light accent colour, so the community bar's contrast is checked too. All failures of a sweep
are collected and reported together; each failing page leaves a screenshot in test-results/.
"""

from __future__ import annotations

import pytest

from communities.models import Membership
from tests.browser import axe_violations, force_login_cookie, format_violations, html_attributes
from tests.design.conftest import RESULTS_DIR, build_world, safe_name

pytestmark = pytest.mark.browser


def public_pages(world) -> list[str]:
    community = world["community"]
    slug = community.slug
    return [
        "/",
        community.get_absolute_url(),
        world["groups"][0].get_absolute_url(),
        f"{world['groups'][0].get_absolute_url()}members/",
        f"/c/{slug}/groups/",
        f"/c/{slug}/meetings/",
        f"/c/{slug}/meetings/calendar/",
        world["meetings"][0].get_absolute_url(),
        f"/c/{slug}/knowledge/",
        world["items"][0].get_absolute_url(),
        f"/c/{slug}/knowledge/collections/",
        "/search/?q=partnership",
        "/network/",
        "/accessibility/",
        "/accounts/login/",
        "/accounts/signup/",
    ]


def member_pages(world) -> list[str]:
    slug = world["community"].slug
    return [
        f"/c/{slug}/members/",
        f"/c/{slug}/members/{world['members'][0].pk}/",
        f"/c/{slug}/knowledge/new/",
        "/me/",
        "/me/notifications/",
        "/people/",
        "/people/profile/",
        "/accounts/email/",
        f"/c/{slug}/discussions/email-settings/",  # discussions by email (issue 12)
    ]


def coordinator_pages(world) -> list[str]:
    slug = world["community"].slug
    meeting = world["meetings"][0]
    return [
        f"/c/{slug}/manage/",
        f"/c/{slug}/reports/",
        f"/c/{slug}/meetings/new/",
        f"/c/{slug}/meetings/{meeting.pk}/registrations/",
        f"/c/{slug}/manage/deliveries/",
    ]


def sweep(page, base: str, paths: list[str], language: str, label: str) -> list[str]:
    failures = []
    for path in paths:
        response = page.goto(base + path)
        assert response is not None and response.ok, f"{path} answered {response.status if response else 'nothing'}"
        assert html_attributes(page)["lang"] == language, f"{path} is in {language}"
        violations = axe_violations(page)
        if violations:
            RESULTS_DIR.mkdir(exist_ok=True)
            shot = RESULTS_DIR / f"axe-{label}-{language}-{safe_name(path)}.png"
            page.screenshot(path=str(shot), full_page=True)
            failures.append(f"{path} ({label}, {language}; screenshot {shot}):\n{format_violations(violations)}")
    return failures


@pytest.fixture
def world(transactional_db):
    return build_world()


@pytest.mark.parametrize("language", ["en", "it", "ar"])
def test_public_pages_pass_axe_for_visitors(browser, live_server, world, language):
    context = browser.new_context(locale="en-GB")
    try:
        context.add_cookies([{"name": "cop_language", "value": language, "url": live_server.url}])
        failures = sweep(context.new_page(), live_server.url, public_pages(world), language, "visitor")
    finally:
        context.close()
    assert not failures, "\n\n".join(failures)


@pytest.mark.parametrize("language", ["en", "it", "ar"])
def test_every_main_page_passes_axe_for_a_coordinator(browser, live_server, world, language):
    coordinator = world["coordinator"]
    coordinator.language = language
    coordinator.save(update_fields=["language"])
    context = browser.new_context(locale="en-GB")
    try:
        force_login_cookie(context, live_server, coordinator)
        paths = public_pages(world)[:12] + member_pages(world) + coordinator_pages(world)
        failures = sweep(context.new_page(), live_server.url, paths, language, "coordinator")
    finally:
        context.close()
    assert not failures, "\n\n".join(failures)


@pytest.mark.parametrize("language", ["en", "ar"])
def test_member_pages_pass_axe_for_a_member(browser, live_server, world, language):
    member = world["members"][1]
    member.language = language
    member.save(update_fields=["language"])
    assert Membership.objects.filter(user=member, community=world["community"]).exists()
    context = browser.new_context(locale="en-GB")
    try:
        force_login_cookie(context, live_server, member)
        paths = [world["community"].get_absolute_url(), world["meetings"][0].get_absolute_url(), *member_pages(world)]
        failures = sweep(context.new_page(), live_server.url, paths, language, "member")
    finally:
        context.close()
    assert not failures, "\n\n".join(failures)
