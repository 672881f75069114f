"""Registrations: a person's place at a meeting, with the waitlist and attendance."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from members.models import Organization

from ..querysets import RegistrationQuerySet
from .meetings import Meeting


class Registration(models.Model):
    """A person's place at a meeting: registered, on the waitlist, awaiting approval, or out.

    Walk-ins (people who came without registering) are registrations too, with
    walk_in set, attended true and possibly no account.
    """

    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        WAITLISTED = "waitlisted", _("On the waitlist")
        PENDING = "pending", _("Awaiting approval")
        DECLINED = "declined", _("Declined")
        CANCELLED = "cancelled", _("Cancelled")

    class Mode(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        ONLINE = "online", _("Online")

    ACTIVE_STATUSES = (Status.REGISTERED, Status.WAITLISTED, Status.PENDING)

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="meeting_registrations"
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.REGISTERED)
    # How the person attends a hybrid meeting that asks it (its in-person and online seats are
    # counted apart, each with its own waitlist); empty where the meeting does not ask.
    attendance_mode = models.CharField(_("attendance mode"), max_length=16, choices=Mode.choices, blank=True)
    # Waitlist order (within the attendance mode): the lowest position is promoted first.
    position = models.PositiveIntegerField(_("waitlist position"), null=True, blank=True)
    attended = models.BooleanField(_("attended"), default=False)
    walk_in = models.BooleanField(_("walk-in"), default=False)
    # For walk-ins without an account; people with an account are described by their profile.
    name = models.CharField(_("name"), max_length=200, blank=True)
    email = models.EmailField(_("email address"), blank=True)
    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    organization_name = models.CharField(_("organisation (if not listed)"), max_length=200, blank=True)
    country = CountryField(_("country"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    status_changed_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "created_at", "pk"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user"], condition=Q(user__isnull=False), name="registration_one_per_person"
            ),
        ]
        indexes = [
            models.Index(fields=["meeting", "status", "position"]),
            models.Index(fields=["meeting", "attendance_mode", "status"], name="registration_mode_status"),
            # The few registrations awaiting a decision (/me/: "registrations to approve"): without it
            # PostgreSQL read every registration's status in the network to find them (issue 15).
            models.Index(fields=["meeting"], condition=Q(status="pending"), name="registration_pending_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} – {self.meeting} ({self.get_status_display()})"

    @property
    def display_name(self) -> str:
        if self.user_id:
            return self.user.get_full_name()
        return self.name or self.email

    @property
    def display_email(self) -> str:
        """Return the address organisers see: a member's only if they chose to show it (User.show_email)."""
        if self.user_id:
            return self.user.email if self.user.show_email else ""
        return self.email

    @property
    def organisation_label(self) -> str:
        """Return the organisation the person came from, as organisers read it."""
        if self.user_id and self.user.organization_id:
            return self.user.organization.name
        if self.organization_id:
            return self.organization.name
        return self.organization_name

    @property
    def country_code(self) -> str:
        """Return the country organisers see; a member who hides theirs (User.show_country) shows none."""
        if self.user_id and not self.user.show_country:
            return ""
        if self.user_id and self.user.country:
            return str(self.user.country)
        if self.country:
            return str(self.country)
        if self.user_id and self.user.organization_id and self.user.organization.country:
            return str(self.user.organization.country)
        return ""

    @property
    def country_name(self) -> str:
        from members.typography import country_name

        code = self.country_code
        return country_name(code) if code else ""

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES
