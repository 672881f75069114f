"""A strict Content-Security-Policy on every page, and pages that keep to it in a real browser."""

from __future__ import annotations

import re

import pytest

from communities.models import Membership
from cop_portal.security import build_policy
from tests.browser import force_login_cookie
from tests.design.conftest import build_world
from tests.factories import CommunityFactory, UserFactory, make_member

STYLE_NONCE = re.compile(r'<style nonce="([^"]+)">')


def policy_of(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {part.split(" ", 1)[0]: part.split(" ", 1)[1] for part in header.split("; ")}


@pytest.mark.django_db
def test_pages_forbid_inline_scripts_and_styles_except_their_own_nonce(client):
    community = CommunityFactory()
    response = client.get(community.get_absolute_url())
    policy = policy_of(response)
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
    nonce = STYLE_NONCE.search(response.content.decode()).group(1)
    assert policy["style-src"] == f"'self' 'nonce-{nonce}'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    other = STYLE_NONCE.search(client.get(community.get_absolute_url()).content.decode()).group(1)
    assert other != nonce, "a fresh nonce on every request"


@pytest.mark.django_db
def test_no_template_of_a_page_has_an_inline_style_attribute_or_script(client):
    community = CommunityFactory()
    coordinator = make_member(community, role=Membership.Role.COORDINATOR)
    client.force_login(coordinator)
    for url in ["/", community.get_absolute_url(), f"/c/{community.slug}/reports/", "/network/", "/accessibility/"]:
        html = client.get(url).content.decode()
        body = html.split("<body>", 1)[1]
        assert not re.search(r"<[a-z][^>]*\sstyle=", body), f"{url} has a style attribute"
        scripts = re.findall(r"<script(?![^>]*\ssrc=)(?![^>]*application/ld\+json)[^>]*>", html)
        assert not scripts, f"{url} has an inline script: {scripts}"


@pytest.mark.django_db
def test_files_and_the_admin_keep_their_own_rules(client):
    assert "Content-Security-Policy" not in client.get("/healthz")
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    assert "Content-Security-Policy" not in client.get("/admin/")


@pytest.mark.django_db
def test_report_only_mode_for_trying_a_change(client, settings):
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = True
    response = client.get("/")
    assert "Content-Security-Policy" not in response
    assert response["Content-Security-Policy-Report-Only"].startswith("default-src 'self'")


def test_the_policy_names_every_kind_of_resource():
    policy = build_policy("abc")
    for directive in ["img-src 'self' data:", "font-src 'self'", "form-action 'self'", "base-uri 'self'"]:
        assert directive in policy


@pytest.mark.browser
def test_main_pages_raise_no_policy_violation_in_chromium(browser, live_server, transactional_db):
    world = build_world()
    community = world["community"]
    context = browser.new_context(locale="en-GB")  # no bypass_csp: the policy is enforced
    try:
        force_login_cookie(context, live_server, world["coordinator"])
        page = context.new_page()
        violations: list[str] = []
        page.on(
            "console",
            lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None,
        )
        paths = [
            "/",
            community.get_absolute_url(),
            world["meetings"][0].get_absolute_url(),
            world["items"][0].get_absolute_url(),
            f"/c/{community.slug}/meetings/calendar/",
            f"/c/{community.slug}/knowledge/",
            f"/c/{community.slug}/members/",
            f"/c/{community.slug}/manage/",
            f"/c/{community.slug}/reports/",
            f"/c/{community.slug}/reports/print/",
            "/network/",
            "/me/",
            "/me/notifications/",
            "/search/?q=partnership",
            "/accessibility/",
            "/accounts/email/",
        ]
        for path in paths:
            response = page.goto(live_server.url + path)
            assert response.ok, f"{path} answered {response.status}"
            assert "Content-Security-Policy" in response.headers or "content-security-policy" in response.headers
            page.wait_for_load_state("load")
            # The accents, page styles and the menu script are all applied under the policy.
            if page.locator(".community-bar").count():
                background = page.evaluate("getComputedStyle(document.querySelector('.community-bar')).backgroundColor")
                assert background == "rgb(245, 196, 0)", f"{path}: the community accent is applied ({background})"
        assert not violations, "\n".join(violations)
    finally:
        context.close()
