"""Applications, the applicant's side and the organisers' setup: apply, change answers, withdraw, confirm.

An application is a registration of a meeting whose policy is "applications" (see
meetings/models/applications.py for the statuses). Applying answers the meeting's form with
the registration form's own checks (answers_clean); the facts quotas read (country, kind of
organisation, partner roles in the community) are taken when the person applies and each
time they change their answers, so a decision never depends on a profile edited afterwards.

Rules, written once:
- Only a member who sees the meeting applies, before the application deadline (the meeting's
  registration deadline, else its start); the same deadline closes the answers.
- Applying twice returns the application already there; a rejected person cannot apply again,
  nor can one whose seat was released for not confirming; one who withdrew may apply again.
- Withdrawing an accepted application frees its seat for the next person waiting (by score).
- Confirming is possible only while accepted, asked to confirm, and before the date.
- A hybrid meeting asking the attendance mode: the answer is the seat pool the application
  counts in (services.selection). An accepted applicant changes mode only when a seat of the
  other mode is free (their old seat goes to the next person waiting for it); one waiting moves
  to the other mode's waitlist, and gets a free seat there if they are next.
- Every email is an outbox row written with its cause, keyed by registration, event and the
  moment of the status change, so a retried request or task sends nothing twice.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from communities import permissions
from communities.models import Partnership
from communities.reporting import reports_changed
from members import outbox
from members.models import User

from .. import reminders, tasks
from ..models import Application, ApplicationSetup, Criterion, Meeting, Question, Quota, Registration
from ..webhooks import emit_registration
from ._common import RegistrationError
from .answers import answers_clean, answers_locked_reason, answers_save, asked_questions
from .registrations import _mode_answer, _mode_field, _mode_of, _seat_limit, _seats_taken, splits_seats

Mode = Registration.Mode

S = Registration.Status


def notify_application(registration: Registration, event: str) -> None:
    """Write the email about registration's application (and sync its reminders) in the current transaction."""
    reminders.on_registration_changed(registration)
    stamp = int(registration.status_changed_at.timestamp() * 1_000_000)
    outbox.enqueue(
        tasks.notify_application, registration.pk, event, key=f"application:{registration.pk}:{event}:{stamp}"
    )


def set_status(registration: Registration, status: str, *, position: int | None = None) -> None:
    registration.status = status
    registration.position = position
    registration.status_changed_at = timezone.now()


def application_setup_of(meeting: Meeting) -> ApplicationSetup:
    """Return meeting's application settings, created with the defaults when missing."""
    setup, _created = ApplicationSetup.objects.get_or_create(meeting=meeting)
    return setup


def _facts(meeting: Meeting, user: User, questions: list[Question], cleaned: dict) -> dict:
    """Return the facts quotas read: the country answered on the form (else the profile's), kind, roles."""
    country = next(
        (cleaned.get(q.pk) for q in questions if q.kind == Question.Kind.COUNTRY and cleaned.get(q.pk)), None
    )
    organisation = user.organization if user.organization_id else None
    if not country:
        country = str(user.country or "") or (str(organisation.country or "") if organisation else "")
    roles = []
    if organisation is not None:
        roles = sorted(
            Partnership.objects.current()
            .filter(community_id=meeting.community_id, organization=organisation)
            .values_list("role_id", flat=True)
        )
    return {
        "country": country or "",
        "organisation_kind": organisation.kind if organisation else "",
        "partner_role_ids": roles,
    }


def _check_open(meeting: Meeting) -> None:
    if not meeting.takes_applications:
        raise RegistrationError(_("This meeting does not take applications."), code="not_applications")
    if meeting.status == Meeting.Status.CANCELLED:
        raise RegistrationError(_("This meeting was cancelled."), code="cancelled")
    if meeting.status == Meeting.Status.HELD or meeting.has_started:
        raise RegistrationError(_("This meeting has already started: applications are closed."), code="started")
    if meeting.registration_deadline and meeting.registration_deadline < timezone.now():
        with timezone.override(meeting.zone):
            when = formats.date_format(timezone.localtime(meeting.registration_deadline), "DATETIME_FORMAT")
        raise RegistrationError(
            _("Applications closed on %(date)s (%(zone)s)."),
            code="deadline_passed",
            params={"date": when, "zone": meeting.time_zone},
        )


def application_closed_reason(*, meeting: Meeting) -> str | None:
    """Return why nobody can apply to meeting now, or None while applications are open."""
    try:
        _check_open(meeting)
    except RegistrationError as error:
        return error.messages[0]
    return None


@transaction.atomic
def application_submit(*, meeting: Meeting, user: User, answers: dict | None = None) -> Registration:
    """Apply to meeting with answers to its form (keyed by field name); return the registration, pending.

    Bad answers raise ValidationError keyed by field name and save nothing.
    """
    meeting = Meeting.objects.select_for_update().select_related("community").get(pk=meeting.pk)
    if not Meeting.objects.visible_to(user).filter(pk=meeting.pk).exists():
        raise RegistrationError(_("You cannot apply to this meeting."), code="not_visible")
    reports_changed(meeting.community_id)  # counted again by the reports (after commit)
    registration = Registration.objects.select_for_update().filter(meeting=meeting, user=user).first()
    if registration is not None and registration.is_active:
        return registration
    if registration is not None and registration.status == S.DECLINED:
        raise RegistrationError(_("The organisers did not select your application."), code="declined")
    application = Application.objects.filter(registration=registration).first() if registration else None
    if application is not None and application.released_at is not None:
        raise RegistrationError(_("Your seat was released because it was not confirmed in time."), code="released")
    _check_open(meeting)
    questions = asked_questions(meeting)
    cleaned = answers_clean(questions, answers or {})
    if registration is None:
        registration = Registration(meeting=meeting, user=user)
    mode = _mode_answer(questions, cleaned)
    if mode is not None:
        registration.attendance_mode = mode
    set_status(registration, S.PENDING)
    registration.decided_by = None
    registration.decided_at = None
    registration.save()
    answers_save(registration=registration, questions=questions, cleaned=cleaned)
    emit_registration(registration, "registration.created", meeting=meeting)  # pending: an application
    now = timezone.now()
    facts = _facts(meeting, user, questions, cleaned)
    if application is None:
        Application.objects.create(registration=registration, meeting=meeting, submitted_at=now, **facts)
    else:  # applying again after withdrawing: a new application, reviewed afresh
        registration.application_reviews.all().delete()
        Application.objects.filter(pk=application.pk).update(
            submitted_at=now, accepted_at=None, confirm_by=None, confirmed_at=None, **facts
        )
    notify_application(registration, "submitted")
    return registration


@transaction.atomic
def application_answers_update(*, registration: Registration, by: User, answers: dict) -> Registration:
    """Change the answers of one's own application until the deadline; the quota facts follow them."""
    meeting = Meeting.objects.select_for_update().get(pk=registration.meeting_id)
    reports_changed(meeting.community_id)  # counted again by the reports (after commit)
    registration = (
        Registration.objects.select_for_update(of=("self",))
        .select_related("user__organization")
        .get(pk=registration.pk)
    )
    if registration.user_id != by.pk or not registration.is_active:
        raise RegistrationError(_("Only the applicant can change these answers."), code="not_yours")
    if reason := answers_locked_reason(meeting):
        raise RegistrationError(reason, code="answers_locked")
    questions = asked_questions(meeting)
    cleaned = answers_clean(questions, answers)
    mode = _mode_answer(questions, cleaned)
    if mode is not None and mode != registration.attendance_mode:
        _change_mode(meeting, registration, mode, questions)
    answers_save(registration=registration, questions=questions, cleaned=cleaned)
    Application.objects.filter(registration=registration).update(
        updated_at=timezone.now(), **_facts(meeting, registration.user, questions, cleaned)
    )
    return registration


def _change_mode(meeting: Meeting, registration: Registration, mode: str, questions: list[Question]) -> None:
    """Move an application to the seats of mode (see the rules above); ValidationError when no seat is free there."""
    from .selection import promote_from_waitlist, renumber_waitlist

    split = splits_seats(meeting, questions)
    old_pool = _mode_of(registration, split)
    registration.attendance_mode = mode
    new_pool = _mode_of(registration, split)
    if split and old_pool != new_pool and registration.status == S.REGISTERED and not registration.walk_in:
        limit = _seat_limit(meeting, new_pool)
        if limit is not None and _seats_taken(meeting, new_pool) >= limit:
            labels = {Mode.ONLINE: _("No online seat is free"), Mode.IN_PERSON: _("No seat in the room is free")}
            raise ValidationError(
                {_mode_field(questions): [_("%(reason)s: you keep your current seat.") % {"reason": labels[new_pool]}]},
                code="mode_full",
            )
    registration.save(update_fields=["attendance_mode", "updated_at"])
    if split and old_pool != new_pool and registration.status in (S.REGISTERED, S.WAITLISTED):
        promote_from_waitlist(meeting)  # a seat freed in the old mode, or one free in the new
        renumber_waitlist(meeting)


@transaction.atomic
def application_withdraw(*, registration: Registration, by: User) -> Registration:
    """Withdraw one's own application (or decline one's seat); a freed seat goes to the next person waiting."""
    from .selection import promote_from_waitlist

    meeting = Meeting.objects.select_for_update().get(pk=registration.meeting_id)
    reports_changed(meeting.community_id)  # counted again by the reports (after commit)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.user_id != by.pk:
        raise RegistrationError(_("Only the applicant can withdraw this application."), code="not_yours")
    if not registration.is_active:
        return registration
    held_seat = registration.status == S.REGISTERED
    set_status(registration, S.CANCELLED)
    registration.save(update_fields=["status", "position", "status_changed_at", "updated_at"])
    emit_registration(registration, "registration.cancelled", meeting=meeting)
    reminders.on_registration_changed(registration)
    if held_seat:
        promote_from_waitlist(meeting)
    return registration


@transaction.atomic
def application_confirm(*, registration: Registration, by: User) -> Application:
    """Confirm one's seat before the date asked; confirming twice changes nothing."""
    registration = Registration.objects.select_for_update().select_related("meeting").get(pk=registration.pk)
    reports_changed(registration.meeting.community_id)  # counted again by the reports (after commit)
    application = Application.objects.select_for_update().get(registration=registration)
    if registration.user_id != by.pk:
        raise RegistrationError(_("Only the applicant can confirm this seat."), code="not_yours")
    if application.confirmed_at is not None:
        return application
    if registration.status != S.REGISTERED or application.confirm_by is None:
        raise RegistrationError(_("There is nothing to confirm."), code="nothing_to_confirm")
    if application.confirm_by <= timezone.now():
        raise RegistrationError(_("The date to confirm has passed."), code="confirm_too_late")
    application.confirmed_at = timezone.now()
    application.save(update_fields=["confirmed_at", "updated_at"])
    return application


def confirm_deadline(meeting: Meeting, setup: ApplicationSetup, now) -> timezone.datetime | None:
    """Return the moment an acceptance made at now must be confirmed by (never after the start), or None."""
    if not setup.confirm_within_days:
        return None
    return min(now + timedelta(days=setup.confirm_within_days), meeting.start)


# --- The organisers' setup: criteria, quotas, reviewers, settings ---------------------------------


def _organises(user: User | None, meeting: Meeting) -> bool:
    return user is None or Meeting.objects.manageable_by(user).filter(pk=meeting.pk).exists()


def _require_organiser(user: User | None, meeting: Meeting) -> None:
    # None: the demo seed and the admin shell act as the system.
    if not _organises(user, meeting):
        raise ValidationError(_("Only the organisers of this meeting can do that."), code="not_organiser")


@transaction.atomic
def application_setup_update(
    *, meeting: Meeting, by: User | None, confirm_within_days: int | None, disagreement_threshold: Decimal
) -> ApplicationSetup:
    _require_organiser(by, meeting)
    setup = application_setup_of(meeting)
    setup.confirm_within_days = confirm_within_days or None
    setup.disagreement_threshold = disagreement_threshold
    setup.full_clean(exclude=["meeting"])
    setup.save()
    return setup


@transaction.atomic
def criterion_add(
    *, meeting: Meeting, by: User | None, name: str, weight: int = 1, scale_max: int = 5, description: str = ""
) -> Criterion:
    """Add a scoring criterion; adding the same name twice returns the one there."""
    _require_organiser(by, meeting)
    Meeting.objects.select_for_update().get(pk=meeting.pk)
    name = (name or "").strip()
    existing = Criterion.objects.filter(meeting=meeting, name__iexact=name).first()
    if existing is not None:
        return existing
    last = Criterion.objects.filter(meeting=meeting).order_by("-position").values_list("position", flat=True).first()
    criterion = Criterion(
        meeting=meeting,
        name=name,
        description=(description or "").strip(),
        weight=weight,
        scale_max=scale_max,
        position=(last or 0) + 1,
    )
    criterion.full_clean()
    criterion.save()
    return criterion


@transaction.atomic
def criterion_delete(*, criterion: Criterion, by: User | None) -> None:
    """Remove a criterion; reviews already given keep their totals, later reviews score the rest."""
    _require_organiser(by, criterion.meeting)
    criterion.delete()


@transaction.atomic
def quota_set(*, meeting: Meeting, by: User | None, kind: str, value: str, limit: int) -> Quota:
    """Set "at most limit accepted from value" (a country, partner role or kind of organisation)."""
    _require_organiser(by, meeting)
    from django_countries import countries

    from members.models import Organization

    value = (value or "").strip()
    if kind == Quota.Kind.COUNTRY:
        value = value.upper()
        valid = value in dict(countries)
    elif kind == Quota.Kind.ORGANISATION_KIND:
        valid = value in Organization.Kind.values
    elif kind == Quota.Kind.PARTNER_ROLE:
        valid = value.isdigit() and meeting.community.partner_roles.filter(pk=int(value)).exists()
    else:
        raise ValidationError({"kind": _("Choose what the quota counts.")}, code="quota_kind")
    if not valid:
        raise ValidationError({"value": _("Choose a value from the list.")}, code="quota_value")
    if limit is None or limit < 0:
        raise ValidationError({"limit": _("Enter how many people at most.")}, code="quota_limit")
    quota, _created = Quota.objects.update_or_create(meeting=meeting, kind=kind, value=value, defaults={"limit": limit})
    return quota


@transaction.atomic
def quota_delete(*, quota: Quota, by: User | None) -> None:
    _require_organiser(by, quota.meeting)
    quota.delete()


def reviewers_of(meeting: Meeting):
    """Return the people named reviewers of meeting (organisers review without being named)."""
    return permissions.users_granted(permissions.REVIEW_PERM, meeting).order_by("full_name", "pk")


@transaction.atomic
def reviewer_add(*, meeting: Meeting, by: User | None, user: User) -> bool:
    """Name an active member of the community a reviewer of meeting; return False when they already were."""
    _require_organiser(by, meeting)
    Meeting.objects.select_for_update().get(pk=meeting.pk)
    if not permissions.is_active_member(user, meeting.community):
        raise ValidationError({"email": _("Only active members of the community can review.")}, code="not_member")
    if reviewers_of(meeting).filter(pk=user.pk).exists():
        return False
    permissions.grant(permissions.REVIEW_PERM, user, meeting)
    return True


@transaction.atomic
def reviewer_remove(*, meeting: Meeting, by: User | None, user: User) -> None:
    """Take the reviewer grant away; their reviews stay (they were given while they reviewed)."""
    _require_organiser(by, meeting)
    permissions.revoke(permissions.REVIEW_PERM, user, meeting)
