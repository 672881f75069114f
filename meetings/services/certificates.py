"""Issuing certificates of attendance (one for a participant, all of a meeting's in bulk) and their settings."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from communities.reporting import reports_changed
from members import outbox
from members.models import User

from .. import tasks
from ..certificates import certificate_hours, eligible, person_of
from ..models import Certificate, Meeting, MeetingOutcome, Registration


@transaction.atomic
def certificate_settings_update(
    *, meeting: Meeting, by: User | None, enabled: bool, hours: Decimal | None
) -> MeetingOutcome:
    """Switch certificates on or off for a meeting that is not a training, and set the hours they state."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    outcome, _created = MeetingOutcome.objects.get_or_create(meeting=meeting, defaults={"written_by": by})
    outcome.certificates_enabled = enabled
    outcome.certificate_hours = hours
    outcome.full_clean(exclude=["meeting", "written_by"])
    outcome.save(update_fields=["certificates_enabled", "certificate_hours", "updated_at"])
    return outcome


def _require_eligible(registration: Registration) -> Decimal:
    if not eligible(registration):
        raise ValidationError(
            _("A certificate is given to people marked present, once the meeting is over."), code="not_eligible"
        )
    hours = certificate_hours(registration.meeting)
    if hours is None:
        raise ValidationError(
            _("The organisers have not said yet how many hours this meeting counts."), code="hours_missing"
        )
    return hours


@transaction.atomic
def certificate_issue(*, registration: Registration, by: User | None) -> Certificate:
    """Return the certificate of a participant marked present, issuing it (or bringing its facts up to date)."""
    registration = (
        Registration.objects.select_for_update(of=("self",))
        .select_related("meeting__community", "user")
        .get(pk=registration.pk)
    )
    reports_changed(registration.meeting.community_id)  # counted again by the reports (after commit)
    hours = _require_eligible(registration)
    name, _email, language = person_of(registration)
    certificate, created = Certificate.objects.get_or_create(
        registration=registration,
        defaults={"meeting": registration.meeting, "name": name, "hours": hours, "language": language, "issued_by": by},
    )
    if not created and (certificate.name, certificate.hours, certificate.language) != (name, hours, language):
        certificate.name, certificate.hours, certificate.language = name, hours, language
        certificate.save(update_fields=["name", "hours", "language"])
    return certificate


def certificates_issue_all(*, meeting: Meeting, by: User | None, email: bool = False) -> list[Certificate]:
    """Issue the certificates of everyone marked present at meeting; with email, send each person theirs (once)."""
    present = (
        Registration.objects.filter(meeting=meeting, status=Registration.Status.REGISTERED, attended=True)
        .select_related("meeting__community", "user")
        .order_by("pk")
    )
    with transaction.atomic():
        issued = [certificate_issue(registration=registration, by=by) for registration in present]
        if email:
            for certificate in issued:
                outbox.enqueue(tasks.send_certificate, certificate.pk, key=f"certificate:{certificate.pk}")
    return issued
