"""Webhooks: the HTTPS endpoints a community's coordinators register, and one delivery row per event and endpoint.

The rules live in communities.webhooks (emit, services, delivery); these are the rows.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .community import Community


def new_secret() -> str:
    """Return a fresh signing secret (shown to coordinators, used for the HMAC of every delivery)."""
    return "whsec_" + secrets.token_urlsafe(32)


class WebhookEndpoint(models.Model):
    """An address of a community's other system that receives a signed POST for each event it chose."""

    class Event(models.TextChoices):
        MEETING_CREATED = "meeting.created", _("A meeting is scheduled")
        MEETING_CHANGED = "meeting.changed", _("A meeting is changed")
        MEETING_CANCELLED = "meeting.cancelled", _("A meeting is cancelled")
        REGISTRATION_CREATED = "registration.created", _("Someone registers for a meeting")
        REGISTRATION_CANCELLED = "registration.cancelled", _("A registration is cancelled")
        MEMBER_JOINED = "member.joined", _("Someone joins the community")
        MEMBER_LEFT = "member.left", _("Someone leaves the community")
        ITEM_PUBLISHED = "item.published", _("A knowledge item is published")

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="webhook_endpoints")
    url = models.URLField(_("address (URL)"), max_length=500)
    description = models.CharField(_("description"), max_length=200, blank=True)
    # A list of Event values (JSON, so the embedded SQLite default works too).
    events = models.JSONField(_("events"), default=list)
    secret = models.CharField(_("signing secret"), max_length=100, default=new_secret)
    is_active = models.BooleanField(_("active"), default=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.TextField(_("why it is disabled"), blank=True)
    consecutive_failures = models.PositiveIntegerField(_("failures in a row"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["community", "pk"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        indexes = [models.Index(fields=["community", "is_active"], name="webhook_endpoint_active")]

    def __str__(self) -> str:
        return self.url

    def event_labels(self) -> list[str]:
        labels = dict(self.Event.choices)
        return [str(labels.get(event, event)) for event in self.events]


class WebhookDelivery(models.Model):
    """One event for one endpoint: its JSON body, and how its attempts went."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUCCEEDED = "succeeded", _("Delivered")
        FAILED = "failed", _("Failed")

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    event_id = models.UUIDField(_("event id"))
    event_type = models.CharField(_("event"), max_length=40)
    payload = models.JSONField(_("payload"))
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # Attempts since the delivery was created or redelivered: they choose the next wait.
    retries = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    response_status = models.PositiveSmallIntegerField(_("response code"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "event_id"], name="webhook_delivery_once_per_endpoint")
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="webhook_delivery_due")]

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id} -> {self.endpoint_id}"
