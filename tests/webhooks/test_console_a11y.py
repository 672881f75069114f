"""The webhook console pages in a real Chromium: no serious or critical axe-core violation in English and
Arabic, and registering, editing and redelivering work with JavaScript switched off."""

from __future__ import annotations

import uuid

import pytest

from communities.models import Community, Membership, WebhookDelivery, WebhookEndpoint
from communities.webhooks.services import endpoint_create
from tests.browser import assert_no_axe_violations, force_login_cookie, html_attributes
from tests.factories import CommunityFactory, UserFactory, make_member

pytestmark = pytest.mark.browser


@pytest.fixture
def world(transactional_db):
    community = CommunityFactory(
        slug="hooks-a11y",
        name="REBUILD",
        visibility=Community.Visibility.PUBLIC,
        languages=["en", "it", "ar"],
        default_language="en",
    )
    coordinator = make_member(community, UserFactory(full_name="Cora Coordinator"), role=Membership.Role.COORDINATOR)
    endpoint = endpoint_create(
        community=community,
        by=coordinator,
        url="https://crm.hooks.invalid/hooks",  # .invalid never resolves: a redelivery fails at once, offline
        description="Our CRM",
        events=["meeting.created", "member.joined"],
    )
    for state, status, retries in (
        (WebhookDelivery.State.SUCCEEDED, 200, 1),
        (WebhookDelivery.State.PENDING, 500, 2),
        (WebhookDelivery.State.FAILED, None, 6),
    ):
        event_id = uuid.uuid4()
        WebhookDelivery.objects.create(
            endpoint=endpoint,
            event_id=event_id,
            event_type="meeting.created",
            payload={"id": str(event_id)},
            state=state,
            attempts=retries,
            retries=retries,
            response_status=status,
            duration_ms=120,
            last_error="" if status == 200 else "The endpoint answered 500.",
        )
    off = endpoint_create(
        community=community, by=coordinator, url="https://old.example.org/", events=["item.published"]
    )
    WebhookEndpoint.objects.filter(pk=off.pk).update(is_active=False, disabled_reason="Disabled by a coordinator.")
    return {"community": community, "coordinator": coordinator, "endpoint": endpoint, "off": off}


def goto(page, url: str, *, expected: int = 200):
    response = page.goto(url)
    assert response is not None and response.status == expected, f"{url} answered {response and response.status}"


def submit(page, button, *, expected: int = 200):
    with page.expect_navigation() as navigation:
        button.click()
    response = navigation.value
    assert response is not None and response.status == expected, f"{page.url} answered {response and response.status}"


@pytest.mark.parametrize(("language", "direction"), [("en", "ltr"), ("ar", "rtl")])
def test_the_webhook_pages_pass_axe_in_english_and_arabic(browser, live_server, world, language, direction):
    world["coordinator"].language = language
    world["coordinator"].save(update_fields=["language"])
    manage = f"{live_server.url}/c/{world['community'].slug}/manage/webhooks"
    context = browser.new_context(locale="en-GB")
    context.set_default_timeout(20_000)
    force_login_cookie(context, live_server, world["coordinator"])
    page = context.new_page()
    try:
        for path in ("/", "/add/", f"/{world['endpoint'].pk}/", f"/{world['off'].pk}/"):
            goto(page, manage + path)
            assert html_attributes(page) == {"lang": language, "dir": direction}, path
            assert_no_axe_violations(page)
        page.locator("details:has(#webhook-secret) > summary").click()  # the secret, shown on demand
        assert page.locator("#webhook-secret").is_visible()
        assert_no_axe_violations(page)
        goto(page, manage + "/add/")
        submit(page, page.locator("main form button[type=submit]"), expected=400)  # nothing filled in
        assert_no_axe_violations(page)
    finally:
        context.close()


def test_the_webhook_forms_work_without_javascript(browser, live_server, world):
    community = world["community"]
    manage = f"{live_server.url}/c/{community.slug}/manage/webhooks"
    context = browser.new_context(java_script_enabled=False, locale="en-GB")
    context.set_default_timeout(20_000)
    force_login_cookie(context, live_server, world["coordinator"])
    page = context.new_page()
    try:
        goto(page, manage + "/add/")
        page.fill("#id_url", "https://erp.example.org/in")
        page.check("input[name=events][value='registration.created']")
        submit(page, page.locator("main form button[type=submit]"))
        endpoint = WebhookEndpoint.objects.get(url="https://erp.example.org/in")
        assert endpoint.events == ["registration.created"]
        assert endpoint.secret in page.content()

        page.uncheck("input[name=events][value='registration.created']")
        page.check("input[name=events][value='member.left']")
        submit(page, page.locator("main section form button[type=submit]", has_text="Save"))
        endpoint.refresh_from_db()
        assert endpoint.events == ["member.left"]

        goto(page, f"{manage}/{world['endpoint'].pk}/")
        failed = WebhookDelivery.objects.get(endpoint=world["endpoint"], state=WebhookDelivery.State.FAILED)
        submit(page, page.locator(f"#delivery-{failed.pk} button[type=submit]"))
        failed.refresh_from_db()
        # Handed to the task at once (eager here): a seventh attempt, failed again, waits for its retry.
        assert (failed.state, failed.attempts, failed.retries) == (WebhookDelivery.State.PENDING, 7, 1)
        assert "could not be resolved" in failed.last_error
    finally:
        context.close()
