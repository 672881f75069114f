"""Webhooks: signed POSTs to a community's other systems when something happens there.

Coordinators register HTTPS endpoints in the console (services), choosing the events they want
(WebhookEndpoint.Event). The services of every app call emit() inside their transaction:

    from communities.webhooks import emit
    emit(community=meeting.community, event="meeting.created", data=lambda: meeting_payload(meeting))

emit() writes one WebhookDelivery row per endpoint that wants the event and one outbox row per
delivery (members.outbox), in the caller's transaction: a rolled-back change sends nothing, and a
dead broker delays the POST, never loses it. data is a dict or a function returning one (called
only when some endpoint wants the event, so a community without webhooks pays one query).

The body is JSON: {"id": <event id>, "type": ..., "created": ..., "community": {"slug": ...},
"data": {...}}; delivery.deliver() posts it with X-CoP-Event, X-CoP-Delivery (the event id) and
X-CoP-Signature "t=<unix>,v1=<hex HMAC-SHA256 of '<t>.<body>'>", retries with backoff (1 min,
5 min, 30 min, 2 h, 12 h, then failed), and disables an endpoint after too many failures in a
row. Higher apps build their own data (meetings.webhooks, knowledge.webhooks); what a payload
holds is never more than the community's coordinators may see, and no email address unless its
owner shows it to members.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from ..models import Community, WebhookDelivery, WebhookEndpoint

Event = WebhookEndpoint.Event
DELIVER_TASK = "communities.deliver_webhook"


def person_data(user, *, name: str = "", email: str = "") -> dict:
    """Return a person as payloads show them: id, name, and the email only when they show it to members."""
    if user is None:
        return {"id": None, "name": name, "email": None}
    return {"id": user.pk, "name": user.full_name, "email": user.email if user.show_email else None}


def emit(*, community: Community | int, event: str, data: dict | Callable[[], dict]) -> uuid.UUID | None:
    """Record event for every active endpoint of community that wants it; return the event id (None: nobody).

    Call it inside the transaction of the change it announces.
    """
    from members import outbox

    community_id = community if isinstance(community, int) else community.pk
    endpoints = [
        endpoint
        for endpoint in WebhookEndpoint.objects.filter(community_id=community_id, is_active=True)
        .only("pk", "events", "community__slug")
        .select_related("community")
        if event in endpoint.events
    ]
    if not endpoints:
        return None
    event_id = uuid.uuid4()
    body = data() if callable(data) else data
    payload = {
        "id": str(event_id),
        "type": event,
        "created": timezone.now(),
        "community": {"slug": endpoints[0].community.slug},
        "data": body,
    }
    payload = json.loads(json.dumps(payload, cls=DjangoJSONEncoder))  # datetimes, UUIDs, decimals as text
    deliveries = WebhookDelivery.objects.bulk_create(
        WebhookDelivery(endpoint=endpoint, event_id=event_id, event_type=event, payload=payload)
        for endpoint in endpoints
    )
    outbox.enqueue_many(DELIVER_TASK, [[delivery.pk] for delivery in deliveries])
    return event_id


def person_forget(user_id: int) -> int:
    """Blank the name and email of person user_id in every stored payload (their account is erased); return how many.

    Deliveries not sent yet then go out without them; the log keeps no copy.
    """
    rows = list(WebhookDelivery.objects.filter(payload__data__person__id=user_id).only("pk", "payload"))
    for row in rows:
        row.payload["data"]["person"] = {"id": user_id, "name": "", "email": None}
    WebhookDelivery.objects.bulk_update(rows, ["payload"])
    return len(rows)


__all__ = ["DELIVER_TASK", "Event", "emit", "person_data", "person_forget"]
