"""What came out of a held meeting: minutes, decisions and action items, and who was told."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .meetings import Meeting


class MeetingOutcome(models.Model):
    """What came out of a held meeting: minutes and decisions (action items hang off the meeting).

    Publishing the minutes emails them once (to the participants, and the whole community when
    the organiser chooses so); mail_round counts the times the organiser asked for them to be sent,
    and each round is one email per person in the ledger, so an edit saved later sends nothing
    unless the organiser asks for a new round.
    """

    class MailTo(models.TextChoices):
        NOBODY = "nobody", _("Nobody")
        PARTICIPANTS = "participants", _("The participants")
        COMMUNITY = "community", _("The participants and the whole community")

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="outcome")
    minutes = models.TextField(_("minutes"), blank=True)
    decisions = models.TextField(_("decisions"), blank=True, help_text=_("One decision per line."))
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("minutes published at"), null=True, blank=True, editable=False)
    mail_to = models.CharField(
        _("minutes emailed to"), max_length=16, choices=MailTo.choices, default=MailTo.NOBODY, editable=False
    )
    mail_round = models.PositiveIntegerField(default=0, editable=False)
    mailed_at = models.DateTimeField(null=True, blank=True, editable=False)
    certificates_enabled = models.BooleanField(
        _("certificates of attendance"),
        default=False,
        help_text=_("Trainings and summer schools always offer them; other meetings when this is on."),
    )
    certificate_hours = models.DecimalField(
        _("hours on the certificates"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("999"))],
        help_text=_("Leave empty to count the length of a one-day meeting."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("minutes and outcome")
        verbose_name_plural = _("minutes and outcomes")

    def __str__(self) -> str:
        return f"{self.meeting} – {_('minutes')}"

    def decision_list(self) -> list[str]:
        return [line.strip(" -•\t") for line in self.decisions.splitlines() if line.strip(" -•\t")]

    @property
    def has_minutes(self) -> bool:
        return bool(self.minutes.strip() or self.decision_list())


class ActionItem(models.Model):
    """A follow-up agreed at a meeting, with who does it, by when and how far it is.

    reminded_at and overdue_notified_at are the ledgers of the beat task that reminds the owner
    before the due date and tells them once when it has passed; changing the owner or the due
    date clears them (a new person, a new date: new reminders).
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    OPEN_STATUSES = (Status.OPEN, Status.IN_PROGRESS)

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="action_items")
    order = models.PositiveIntegerField(default=0)
    description = models.CharField(_("action"), max_length=500)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meeting_action_items",
    )
    owner_name = models.CharField(_("owner (if not a member)"), max_length=200, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    status_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    assigned_at = models.DateTimeField(null=True, blank=True, editable=False)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    overdue_notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["meeting", "order", "pk"]
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        indexes = [models.Index(fields=["status", "due_date"], name="meetings_action_status_due")]

    def __str__(self) -> str:
        return self.description

    @property
    def owner_label(self) -> str:
        return self.owner.get_full_name() if self.owner_id else self.owner_name

    @property
    def done(self) -> bool:
        return self.status == self.Status.DONE

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    def is_overdue(self, today=None) -> bool:
        from django.utils import timezone

        today = today or timezone.localdate()
        return self.is_open and self.due_date is not None and self.due_date < today
