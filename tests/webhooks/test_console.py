"""The console's webhook pages: coordinators register, edit, disable, enable, delete endpoints, replace secrets
and redeliver; nobody else sees them (404); bad input changes nothing; the queries per page stay constant."""

from __future__ import annotations

import uuid

import pytest
from django.test import override_settings
from django.urls import reverse

from communities.models import Community, CommunityEvent, Membership, WebhookDelivery, WebhookEndpoint
from communities.services import facilitator_name, group_create
from members.models import OutboxMessage
from tests.factories import CommunityFactory, UserFactory, make_member


@pytest.fixture
def console(db):
    community = CommunityFactory(slug="hooks-cop", visibility=Community.Visibility.PUBLIC)
    coordinator = make_member(community, UserFactory(full_name="Cora Coordinator"), role=Membership.Role.COORDINATOR)
    return {"community": community, "coordinator": coordinator}


def url(name, community, **kwargs) -> str:
    return reverse(f"communities:{name}", kwargs={"community_slug": community.slug, **kwargs})


def add(client, community, **data):
    fields = {"url": "https://crm.example.org/hooks", "description": "Our CRM", "events": ["meeting.created"]}
    return client.post(url("manage_webhook_add", community), {**fields, **data})


def make_delivery(endpoint, *, state=WebhookDelivery.State.FAILED, retries=6) -> WebhookDelivery:
    event_id = uuid.uuid4()
    return WebhookDelivery.objects.create(
        endpoint=endpoint,
        event_id=event_id,
        event_type="meeting.created",
        payload={"id": str(event_id), "type": "meeting.created", "data": {}},
        state=state,
        attempts=retries,
        retries=retries,
        response_status=500,
        duration_ms=42,
        last_error="The endpoint answered 500.",
    )


def test_a_coordinator_registers_an_endpoint_and_sees_its_secret(client, console):
    community = console["community"]
    client.force_login(console["coordinator"])
    response = add(client, community, events=["meeting.created", "member.joined"])
    endpoint = WebhookEndpoint.objects.get(community=community)
    assert response.status_code == 302
    assert response["Location"] == url("manage_webhook", community, webhook_pk=endpoint.pk)
    assert endpoint.events == ["meeting.created", "member.joined"]
    assert endpoint.secret.startswith("whsec_") and len(endpoint.secret) > 40
    assert endpoint.created_by == console["coordinator"]
    page = client.get(response["Location"])
    assert endpoint.secret in page.content.decode()
    assert "https://crm.example.org/hooks" in client.get(url("manage_webhooks", community)).content.decode()
    assert CommunityEvent.objects.filter(community=community, action="webhook_added").count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"url": "http://crm.example.org/hooks"}, "Only https addresses"),
        ({"url": "not a url"}, "Enter a full web address"),
        ({"url": "https://10.0.0.5/hooks"}, "private or local network"),
        ({"url": "https://user:pw@crm.example.org/hooks"}, "user name and password"),
        ({"events": []}, "Choose at least one event"),
        ({"events": ["meeting.deleted"]}, "Select a valid choice"),
    ],
)
def test_bad_input_gets_a_clear_message_and_changes_nothing(client, console, data, message):
    client.force_login(console["coordinator"])
    response = add(client, console["community"], **data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_local_http_is_accepted_only_when_the_setting_allows(client, console):
    client.force_login(console["coordinator"])
    assert add(client, console["community"], url="http://127.0.0.1:8765/hooks").status_code == 400
    with override_settings(WEBHOOKS_ALLOW_HTTP=True):
        assert add(client, console["community"], url="http://127.0.0.1:8765/hooks").status_code == 302
        assert add(client, console["community"], url="http://example.org/hooks").status_code == 400
    assert WebhookEndpoint.objects.get().url == "http://127.0.0.1:8765/hooks"


def test_edit_disable_enable_rotate_and_delete(client, console):
    community = console["community"]
    client.force_login(console["coordinator"])
    add(client, community)
    endpoint = WebhookEndpoint.objects.get()
    detail = url("manage_webhook", community, webhook_pk=endpoint.pk)

    response = client.post(
        detail, {"url": "https://erp.example.org/in", "description": "", "events": ["item.published"]}
    )
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert (endpoint.url, endpoint.events, endpoint.description) == (
        "https://erp.example.org/in",
        ["item.published"],
        "",
    )

    secret = endpoint.secret
    assert client.post(url("manage_webhook_rotate", community, webhook_pk=endpoint.pk)).status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.secret != secret

    client.post(url("manage_webhook_disable", community, webhook_pk=endpoint.pk))
    endpoint.refresh_from_db()
    assert not endpoint.is_active and endpoint.disabled_reason
    assert "Disabled" in client.get(detail).content.decode()
    client.post(url("manage_webhook_enable", community, webhook_pk=endpoint.pk))
    endpoint.refresh_from_db()
    assert endpoint.is_active and endpoint.consecutive_failures == 0

    assert client.get(url("manage_webhook_delete", community, webhook_pk=endpoint.pk)).status_code == 405
    assert WebhookEndpoint.objects.exists(), "a GET deletes nothing"
    response = client.post(url("manage_webhook_delete", community, webhook_pk=endpoint.pk))
    assert response["Location"] == url("manage_webhooks", community)
    assert not WebhookEndpoint.objects.exists()
    actions = set(CommunityEvent.objects.filter(community=community).values_list("action", flat=True))
    assert {
        "webhook_added",
        "webhook_changed",
        "webhook_secret_rotated",
        "webhook_disabled",
        "webhook_enabled",
        "webhook_deleted",
    } <= actions


def test_redeliver_puts_a_failed_delivery_back_on_its_way(client, console):
    community = console["community"]
    client.force_login(console["coordinator"])
    add(client, community)
    endpoint = WebhookEndpoint.objects.get()
    delivery = make_delivery(endpoint)
    page = client.get(url("manage_webhook", community, webhook_pk=endpoint.pk)).content.decode()
    for shown in ("meeting.created", str(delivery.event_id), "500", "42 ms", "The endpoint answered 500."):
        assert shown in page
    redeliver = url("manage_webhook_redeliver", community, webhook_pk=endpoint.pk, delivery_pk=delivery.pk)
    assert client.post(redeliver).status_code == 302
    assert client.post(redeliver).status_code == 302, "twice before it runs is once"
    delivery.refresh_from_db()
    assert (delivery.state, delivery.retries, delivery.attempts) == (WebhookDelivery.State.PENDING, 0, 6)
    assert OutboxMessage.objects.filter(task_name="communities.deliver_webhook", args=[delivery.pk]).count() == 1


@pytest.fixture
def intruders(console):
    community = console["community"]
    elsewhere = CommunityFactory(slug="elsewhere", visibility=Community.Visibility.PUBLIC)
    group = group_create(community=community, by=console["coordinator"], name="Team")
    facilitator = make_member(community, UserFactory(full_name="Fabio Facilitator"))
    make_member(community, facilitator, group=group)
    facilitator_name(group=group, user=facilitator, by=console["coordinator"])
    return {
        "member": make_member(community, UserFactory(full_name="Mara Member")),
        "facilitator": facilitator,
        "other coordinator": make_member(elsewhere, role=Membership.Role.COORDINATOR),
        "outsider": UserFactory(),
    }


def test_nobody_but_the_communitys_coordinators_opens_or_changes_anything(client, console, intruders):
    community = console["community"]
    client.force_login(console["coordinator"])
    add(client, community)
    endpoint = WebhookEndpoint.objects.get()
    delivery = make_delivery(endpoint)
    pk = {"webhook_pk": endpoint.pk}
    pages = [
        url("manage_webhooks", community),
        url("manage_webhook_add", community),
        url("manage_webhook", community, **pk),
    ]
    actions = [
        url(name, community, **pk)
        for name in ("manage_webhook_disable", "manage_webhook_rotate", "manage_webhook_delete", "manage_webhook")
    ] + [
        url("manage_webhook_redeliver", community, delivery_pk=delivery.pk, **pk),
        url("manage_webhook_add", community),
    ]
    secret = endpoint.secret
    for label, person in intruders.items():
        client.force_login(person)
        for path in pages:
            response = client.get(path)
            assert response.status_code == 404, f"{label} got {response.status_code} at {path}"
            assert secret not in response.content.decode()
        for path in actions:
            response = client.post(path, {"url": "https://evil.example.org/", "events": ["member.joined"]})
            assert response.status_code == 404, f"{label} got {response.status_code} posting {path}"
    client.logout()
    assert client.get(pages[0]).status_code == 302, "an anonymous visitor is asked to sign in"
    endpoint.refresh_from_db()
    assert (endpoint.url, endpoint.secret, endpoint.is_active) == ("https://crm.example.org/hooks", secret, True)
    assert WebhookEndpoint.objects.count() == 1
    delivery.refresh_from_db()
    assert delivery.state == WebhookDelivery.State.FAILED


def test_the_pages_run_a_constant_number_of_queries(client, console, django_assert_num_queries):
    community = console["community"]
    client.force_login(console["coordinator"])
    add(client, community)
    endpoint = WebhookEndpoint.objects.get()
    make_delivery(endpoint)
    list_url, detail_url = url("manage_webhooks", community), url("manage_webhook", community, webhook_pk=endpoint.pk)
    client.get(list_url), client.get(detail_url)  # warm the session and caches
    with django_assert_num_queries(LIST_QUERIES):
        assert client.get(list_url).status_code == 200
    with django_assert_num_queries(DETAIL_QUERIES):
        assert client.get(detail_url).status_code == 200
    for index in range(5):
        add(client, community, url=f"https://crm{index}.example.org/hooks")
        make_delivery(endpoint)
        make_delivery(endpoint, state=WebhookDelivery.State.SUCCEEDED, retries=1)
    with django_assert_num_queries(LIST_QUERIES):
        assert client.get(list_url).status_code == 200
    with django_assert_num_queries(DETAIL_QUERIES):
        assert client.get(detail_url).status_code == 200


LIST_QUERIES = 3
DETAIL_QUERIES = 4
