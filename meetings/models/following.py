"""Following a series and bulk invitations: who the series registers, who skips one, who was invited."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .meetings import Meeting, MeetingSeries


class SeriesFollow(models.Model):
    """A person registered for a whole series: every occurrence, present and added later, registers them.

    Leaving keeps the row (status LEFT) so that following again is the same follow, with the
    occurrences the person said they would miss (SeriesSkip) still remembered.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", _("Following")
        LEFT = "left", _("Left")

    series = models.ForeignKey(MeetingSeries, on_delete=models.CASCADE, related_name="follows")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="series_follows")
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.ACTIVE)
    left_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["series", "created_at", "pk"]
        verbose_name = _("series registration")
        verbose_name_plural = _("series registrations")
        constraints = [models.UniqueConstraint(fields=["series", "user"], name="series_follow_one_per_person")]
        indexes = [models.Index(fields=["series", "status"])]

    def __str__(self) -> str:
        return f"{self.user} → {self.series} ({self.get_status_display()})"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class SeriesSkip(models.Model):
    """An occurrence a follower will miss: the series does not register them for it (an exception)."""

    follow = models.ForeignKey(SeriesFollow, on_delete=models.CASCADE, related_name="skips")
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="series_skips")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["follow", "meeting"]
        verbose_name = _("skipped occurrence")
        verbose_name_plural = _("skipped occurrences")
        constraints = [models.UniqueConstraint(fields=["follow", "meeting"], name="series_skip_once")]

    def __str__(self) -> str:
        return f"{self.follow.user} skips {self.meeting}"


class MeetingInvitation(models.Model):
    """A member the organisers invited to a meeting (bulk invitation): one per person and meeting, one email."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meeting_invitations")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["meeting", "created_at", "pk"]
        verbose_name = _("meeting invitation")
        verbose_name_plural = _("meeting invitations")
        constraints = [models.UniqueConstraint(fields=["meeting", "user"], name="meeting_invitation_one_per_person")]

    def __str__(self) -> str:
        return f"{self.user} invited to {self.meeting}"
