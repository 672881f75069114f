"""Certificates of attendance: one per person marked present at a meeting that offers them."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .meetings import Meeting
from .registrations import Registration


class Certificate(models.Model):
    """A certificate issued to one participant; the facts it states are kept as issued.

    The verification link carries a signed token of its number (meetings.certificates); the page
    it opens reads this row, so it shows exactly what the PDF says, and nothing when the token
    is forged or the certificate no longer holds (the person is no longer marked present, the meeting
    was cancelled).
    """

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="certificates")
    registration = models.OneToOneField(Registration, on_delete=models.CASCADE, related_name="certificate")
    number = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)
    language = models.CharField(_("language"), max_length=8)
    issued_at = models.DateTimeField(auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["meeting", "name", "pk"]
        verbose_name = _("certificate of attendance")
        verbose_name_plural = _("certificates of attendance")

    def __str__(self) -> str:
        return f"{self.name} – {self.meeting}"
