"""Every write to webhook endpoints: add, change, disable, enable, delete, replace the secret, redeliver.

Each write locks the endpoint, records a CommunityEvent (the console's history), and refuses
what the rules refuse with a translated WebhookError that changes nothing. The console, the
admin and the API call these; who may call them is decided by communities.permissions.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import permissions
from ..models import Community, CommunityEvent, WebhookDelivery, WebhookEndpoint
from ..models.webhooks import new_secret
from ..services.audit import record_event
from .delivery import local_allowed

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
MAX_ENDPOINTS = 20


class WebhookError(ValidationError):
    """A webhook change the rules refuse; its message says why (translated)."""

    @property
    def text(self) -> str:
        return " ".join(str(message) for message in self.messages)


def clean_url(url: str) -> str:
    """Return url when it may receive webhooks (https; http only to this machine in development); else raise."""
    url = (url or "").strip()
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise WebhookError(_("Enter a full web address, such as https://example.org/hooks."), code="url") from None
    import urllib3

    parts = urllib3.util.parse_url(url)
    host = (parts.host or "").lower()
    if parts.auth:
        raise WebhookError(_("Leave the user name and password out of the address."), code="url_auth")
    if parts.scheme == "http" and not (local_allowed() and host in LOCAL_HOSTS):
        raise WebhookError(_("Only https addresses can receive webhooks."), code="https_only")
    try:
        literal = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        literal = None
    if (host == "localhost" or (literal is not None and not literal.is_global)) and not local_allowed():
        raise WebhookError(_("The address is on a private or local network."), code="private")
    return url


def clean_events(events: Iterable[str]) -> list[str]:
    known = [value for value, _label in WebhookEndpoint.Event.choices]
    chosen = [event for event in known if event in set(events)]
    if not chosen:
        raise WebhookError(_("Choose at least one event."), code="no_events")
    return chosen


def _require_manager(by, community: Community) -> None:
    if not permissions.can_manage(by, community):
        raise WebhookError(_("Only the community's coordinators manage webhooks."), code="forbidden")


def _locked(endpoint: WebhookEndpoint) -> WebhookEndpoint:
    return WebhookEndpoint.objects.select_for_update().select_related("community").get(pk=endpoint.pk)


@transaction.atomic
def endpoint_create(
    *, community: Community, by, url: str, events: Iterable[str], description: str = ""
) -> WebhookEndpoint:
    """Register an endpoint for community with a fresh secret; return it."""
    _require_manager(by, community)
    url, events = clean_url(url), clean_events(events)
    community = Community.objects.select_for_update().get(pk=community.pk)
    if WebhookEndpoint.objects.filter(community=community).count() >= MAX_ENDPOINTS:
        raise WebhookError(
            _("A community has at most %(count)d webhook endpoints.") % {"count": MAX_ENDPOINTS}, code="too_many"
        )
    endpoint = WebhookEndpoint.objects.create(
        community=community, url=url, events=events, description=description.strip()[:200], created_by=by
    )
    record_event(community=community, by=by, action=CommunityEvent.Action.WEBHOOK_ADDED, target=url)
    return endpoint


@transaction.atomic
def endpoint_update(
    *, endpoint: WebhookEndpoint, by, url: str, events: Iterable[str], description: str = ""
) -> WebhookEndpoint:
    """Change an endpoint's address, events or description; changing nothing records nothing."""
    _require_manager(by, endpoint.community)
    url, events = clean_url(url), clean_events(events)
    endpoint = _locked(endpoint)
    before = {"url": endpoint.url, "events": endpoint.events, "description": endpoint.description}
    after = {"url": url, "events": events, "description": description.strip()[:200]}
    changes = {name: [before[name], value] for name, value in after.items() if before[name] != value}
    if not changes:
        return endpoint
    for name, value in after.items():
        setattr(endpoint, name, value)
    endpoint.save()
    record_event(
        community=endpoint.community,
        by=by,
        action=CommunityEvent.Action.WEBHOOK_CHANGED,
        target=endpoint.url,
        changes=changes,
    )
    return endpoint


@transaction.atomic
def endpoint_disable(*, endpoint: WebhookEndpoint, by, reason: str = "") -> WebhookEndpoint:
    """Stop sending to endpoint (its pending deliveries fail); disabling twice changes nothing."""
    _require_manager(by, endpoint.community)
    endpoint = _locked(endpoint)
    if not endpoint.is_active:
        return endpoint
    endpoint.is_active = False
    endpoint.disabled_at = timezone.now()
    endpoint.disabled_reason = reason or _("Disabled by a coordinator.")
    endpoint.save()
    record_event(
        community=endpoint.community, by=by, action=CommunityEvent.Action.WEBHOOK_DISABLED, target=endpoint.url
    )
    return endpoint


@transaction.atomic
def endpoint_enable(*, endpoint: WebhookEndpoint, by) -> WebhookEndpoint:
    """Send to endpoint again (its failure count starts over); enabling twice changes nothing."""
    _require_manager(by, endpoint.community)
    endpoint = _locked(endpoint)
    if endpoint.is_active:
        return endpoint
    endpoint.is_active = True
    endpoint.disabled_at = None
    endpoint.disabled_reason = ""
    endpoint.consecutive_failures = 0
    endpoint.save()
    record_event(community=endpoint.community, by=by, action=CommunityEvent.Action.WEBHOOK_ENABLED, target=endpoint.url)
    return endpoint


@transaction.atomic
def endpoint_delete(*, endpoint: WebhookEndpoint, by) -> None:
    """Delete endpoint and its delivery log."""
    _require_manager(by, endpoint.community)
    endpoint = _locked(endpoint)
    record_event(community=endpoint.community, by=by, action=CommunityEvent.Action.WEBHOOK_DELETED, target=endpoint.url)
    endpoint.delete()


@transaction.atomic
def endpoint_rotate_secret(*, endpoint: WebhookEndpoint, by) -> WebhookEndpoint:
    """Give endpoint a new signing secret: later attempts (retries included) are signed with it."""
    _require_manager(by, endpoint.community)
    endpoint = _locked(endpoint)
    endpoint.secret = new_secret()
    endpoint.save(update_fields=["secret", "updated_at"])
    record_event(
        community=endpoint.community, by=by, action=CommunityEvent.Action.WEBHOOK_SECRET_ROTATED, target=endpoint.url
    )
    return endpoint


@transaction.atomic
def delivery_redeliver(*, delivery: WebhookDelivery, by) -> WebhookDelivery:
    """Send a delivery again (same event id and body) with a fresh round of retries; twice before it runs is once."""
    from members import outbox

    from . import DELIVER_TASK

    endpoint = delivery.endpoint
    _require_manager(by, endpoint.community)
    if not endpoint.is_active:
        raise WebhookError(_("Enable the endpoint first."), code="disabled")
    delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
    if delivery.state == WebhookDelivery.State.PENDING and delivery.retries == 0:
        return delivery  # not tried yet: it is on its way
    delivery.state = WebhookDelivery.State.PENDING
    delivery.retries = 0
    delivery.next_attempt_at = timezone.now()
    delivery.save(update_fields=["state", "retries", "next_attempt_at"])
    outbox.enqueue(DELIVER_TASK, delivery.pk, key=f"webhook:{delivery.pk}:{delivery.attempts}:redeliver")
    return delivery
