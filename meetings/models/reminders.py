"""Reminder emails, each due at a moment and claimed by a beat task when due."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .meetings import Meeting
from .registrations import Registration


class Reminder(models.Model):
    """A reminder email due at a moment (UTC): one per registration, offset and start, or an organiser's.

    A beat task claims the due rows (meetings.reminders.reminders_dispatch); nothing waits in
    the broker, so a restarted or flushed Redis loses none. Rows are recomputed when the
    meeting moves and cancelled when it is, or when the registration ends. A row sent (or
    missed) stays with the start it announced: a meeting moved after its day-before reminder
    went out gets a new row for the new start (due_at = start - offset names the start).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        CLAIMED = "claimed", _("Being sent")
        SENT = "sent", _("Sent")
        CANCELLED = "cancelled", _("Cancelled")
        MISSED = "missed", _("Missed")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="reminders")
    # Set for a person's own reminder; empty for an organiser's reminder to everyone registered.
    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, null=True, blank=True, related_name="reminders"
    )
    offset_minutes = models.PositiveIntegerField(_("minutes before the start"))
    due_at = models.DateTimeField(_("due at"))
    message = models.TextField(_("message from the organisers"), blank=True, max_length=2000)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_at", "pk"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        indexes = [models.Index(fields=["status", "due_at"], name="reminder_status_due")]
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "offset_minutes", "due_at"],
                condition=Q(registration__isnull=False),
                name="reminder_one_per_registration_offset_start",
            ),
            models.UniqueConstraint(
                fields=["meeting", "offset_minutes"],
                condition=Q(registration__isnull=True),
                name="reminder_one_custom_per_meeting_offset",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting} – {self.offset_minutes} min ({self.get_status_display()})"

    @property
    def is_custom(self) -> bool:
        return self.registration_id is None
