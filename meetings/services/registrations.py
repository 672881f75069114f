"""Registrations: registering, inviting, the waiting list, approving, declining and cancelling."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from communities import permissions
from members import outbox
from members.models import User

from .. import reminders, tasks
from ..models import Meeting, Registration
from ._common import RegistrationError


def _seats_taken(meeting: Meeting) -> int:
    return Registration.objects.filter(meeting=meeting).seats_taken().count()


def _next_position(meeting: Meeting) -> int:
    last = Registration.objects.filter(meeting=meeting).waitlisted().aggregate(last=Max("position"))["last"]
    return (last or 0) + 1


def _set_status(registration: Registration, status: str, *, position: int | None = None) -> None:
    registration.status = status
    registration.position = position
    registration.status_changed_at = timezone.now()


def _notify(registration: Registration, event: str) -> None:
    reminders.on_registration_changed(registration)  # a seat brings reminders; losing it cancels them
    outbox.enqueue(tasks.notify_registration, registration.pk, event)


def _check_open_for_registration(meeting: Meeting) -> None:
    if meeting.status == Meeting.Status.CANCELLED:
        raise RegistrationError(_("This meeting was cancelled."), code="cancelled")
    if meeting.status == Meeting.Status.HELD or meeting.has_started:
        raise RegistrationError(_("This meeting has already started: registration is closed."), code="started")
    if meeting.registration_policy == Meeting.RegistrationPolicy.NONE:
        raise RegistrationError(_("This meeting takes no registrations: just join it."), code="no_registration")
    if meeting.registration_policy == Meeting.RegistrationPolicy.INVITATION:
        raise RegistrationError(
            _("This meeting is by invitation only: the organisers register the people they invite."),
            code="invitation_only",
        )
    if meeting.registration_deadline and meeting.registration_deadline < timezone.now():
        with timezone.override(meeting.zone):
            when = formats.date_format(timezone.localtime(meeting.registration_deadline), "DATETIME_FORMAT")
        raise RegistrationError(
            _("Registration closed on %(date)s (%(zone)s)."),
            code="deadline_passed",
            params={"date": when, "zone": meeting.time_zone},
        )


def _place(meeting: Meeting, registration: Registration, *, approval: bool) -> str:
    """Give registration a seat, a waitlist place or an approval request; return the notice to send."""
    if approval:
        _set_status(registration, Registration.Status.PENDING)
        return "pending"
    if meeting.capacity is not None and _seats_taken(meeting) >= meeting.capacity:
        _set_status(registration, Registration.Status.WAITLISTED, position=_next_position(meeting))
        return "waitlisted"
    _set_status(registration, Registration.Status.REGISTERED)
    return "registered"


@transaction.atomic
def registration_create(*, meeting: Meeting, user: User) -> Registration:
    """Register user for meeting: a seat if one is free, else the waitlist; approval meetings wait for organisers.

    Registering twice returns the registration already there.
    """
    meeting = Meeting.objects.select_for_update().select_related("community").get(pk=meeting.pk)
    if not Meeting.objects.visible_to(user).filter(pk=meeting.pk).exists():
        raise RegistrationError(_("You cannot register for this meeting."), code="not_visible")
    registration = Registration.objects.select_for_update().filter(meeting=meeting, user=user).first()
    if registration is not None and registration.is_active:
        return registration
    if registration is not None and registration.status == Registration.Status.DECLINED:
        raise RegistrationError(_("The organisers declined your registration for this meeting."), code="declined")
    _check_open_for_registration(meeting)
    if registration is None:
        registration = Registration(meeting=meeting, user=user)
    event = _place(meeting, registration, approval=meeting.registration_policy == Meeting.RegistrationPolicy.APPROVAL)
    registration.save()
    _notify(registration, event)
    return registration


@transaction.atomic
def registration_invite(*, meeting: Meeting, user: User, by: User | None) -> Registration:
    """Register user on the organisers' behalf (invitation-only meetings); capacity still applies."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if not permissions.is_active_member(user, meeting.community):
        raise ValidationError(
            {"email": _("Only active members of the community can be registered by the organisers.")},
            code="not_member",
        )
    if not Meeting.objects.visible_to(user).filter(pk=meeting.pk).exists():
        raise ValidationError(
            {"email": _("This person cannot see the meeting: invite members of the community.")}, code="not_visible"
        )
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError(_("This meeting was cancelled."), code="cancelled")
    registration = Registration.objects.select_for_update().filter(meeting=meeting, user=user).first()
    if registration is not None and registration.status in (
        Registration.Status.REGISTERED,
        Registration.Status.WAITLISTED,
    ):
        return registration
    if registration is None:
        registration = Registration(meeting=meeting, user=user)
    event = _place(meeting, registration, approval=False)
    registration.decided_by = by
    registration.decided_at = timezone.now()
    registration.save()
    _notify(registration, event)
    return registration


@transaction.atomic
def registration_invite_by_email(*, meeting: Meeting, email: str, by: User) -> str:
    """Register the active member of meeting's community with email, or invite the address into the community.

    Return what happened: "registered", "invited" or "nothing". The caller must answer the
    organiser the same way in every case (no account enumeration): whether an address has
    an account, belongs to a member of another community or to nobody is never told. An
    address that is not an active member's gets an invitation to the community through
    the invitation service, when the organiser may invite (a coordinator); otherwise nothing.
    A member who cannot see the meeting (a private group's) is not registered. Repeating
    the request changes nothing more (registration_invite and invitation_create are idempotent).
    """
    from communities.models import Membership
    from communities.services import MembershipError, invitation_create

    if meeting.status == Meeting.Status.CANCELLED:
        # Checked before the address is looked at, so that the refusal is the same for every address.
        raise ValidationError(_("This meeting was cancelled."), code="cancelled")
    email = (email or "").strip().lower()
    member = (
        Membership.objects.active()
        .community_level()
        .filter(community=meeting.community, user__email__iexact=email, user__is_active=True)
        .select_related("user")
        .first()
    )
    if member is not None:
        if not Meeting.objects.visible_to(member.user).filter(pk=meeting.pk).exists():
            return "nothing"
        registration_invite(meeting=meeting, user=member.user, by=by)
        return "registered"
    if not permissions.can_manage(by, meeting.community):
        return "nothing"
    try:
        invitation_create(community=meeting.community, email=email, by=by, role=Membership.Role.MEMBER)
    except MembershipError:
        return "nothing"
    return "invited"


def _fill_free_seats(meeting: Meeting) -> list[Registration]:
    """Promote waitlisted people, first come first served, into the seats now free; caller holds the meeting lock."""
    if meeting.status != Meeting.Status.SCHEDULED or meeting.has_started:
        return []
    waitlist = Registration.objects.filter(meeting=meeting).waitlisted().select_for_update()
    if meeting.capacity is None:
        promoted = list(waitlist)
    else:
        free = meeting.capacity - _seats_taken(meeting)
        promoted = list(waitlist[:free]) if free > 0 else []
    for registration in promoted:
        _set_status(registration, Registration.Status.REGISTERED)
        registration.save(update_fields=["status", "position", "status_changed_at", "updated_at"])
        _notify(registration, "promoted")
    return promoted


@transaction.atomic
def registration_cancel(*, registration: Registration, by: User | None = None) -> Registration:
    """Cancel a registration and give the freed seat to the first person waiting.

    The meeting row is locked first, so two cancellations at the same moment are
    serialised and never promote the same waiting person twice. Cancelling twice
    changes nothing.
    """
    meeting = Meeting.objects.select_for_update().get(pk=registration.meeting_id)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status in (Registration.Status.CANCELLED, Registration.Status.DECLINED):
        return registration
    held_seat = registration.status == Registration.Status.REGISTERED and not registration.walk_in
    _set_status(registration, Registration.Status.CANCELLED)
    registration.save(update_fields=["status", "position", "status_changed_at", "updated_at"])
    reminders.on_registration_changed(registration)
    if held_seat:
        _fill_free_seats(meeting)
    return registration


@transaction.atomic
def registration_approve(*, registration: Registration, by: User | None) -> Registration:
    """Accept a pending registration: a seat if one is free, else the waitlist. Approving twice changes nothing."""
    meeting = Meeting.objects.select_for_update().get(pk=registration.meeting_id)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status != Registration.Status.PENDING:
        return registration
    event = _place(meeting, registration, approval=False)
    registration.decided_by = by
    registration.decided_at = timezone.now()
    registration.save()
    _notify(registration, "approved" if event == "registered" else event)
    return registration


@transaction.atomic
def registration_decline(*, registration: Registration, by: User | None) -> Registration:
    """Decline a registration (pending, waiting or even registered); a freed seat goes to the waitlist."""
    meeting = Meeting.objects.select_for_update().get(pk=registration.meeting_id)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status in (Registration.Status.DECLINED, Registration.Status.CANCELLED):
        return registration
    held_seat = registration.status == Registration.Status.REGISTERED and not registration.walk_in
    _set_status(registration, Registration.Status.DECLINED)
    registration.decided_by = by
    registration.decided_at = timezone.now()
    registration.save()
    _notify(registration, "declined")
    if held_seat:
        _fill_free_seats(meeting)
    return registration


def registration_change_status(*, registration: Registration, status: str, by: User | None) -> Registration:
    """Bring registration to status as an organiser would, through the service for that step.

    Cancelled is registration_cancel and declined registration_decline (a freed seat goes to
    the first person waiting); a pending request is decided with registration_approve (a
    seat, or the waitlist when the meeting is full); a cancelled or declined person is
    registered again with registration_invite. Seats are never handed out past the
    capacity, so other steps (waitlisted to registered, registered to waitlisted) are refused.
    """
    current = Registration.objects.get(pk=registration.pk)
    if status == current.status:
        return current
    if status == Registration.Status.CANCELLED:
        return registration_cancel(registration=current, by=by)
    if status == Registration.Status.DECLINED:
        return registration_decline(registration=current, by=by)
    if status in (Registration.Status.REGISTERED, Registration.Status.WAITLISTED):
        if current.status == Registration.Status.PENDING:
            return registration_approve(registration=current, by=by)
        if current.status in (Registration.Status.CANCELLED, Registration.Status.DECLINED) and current.user_id:
            return registration_invite(meeting=current.meeting, user=current.user, by=by)
    raise ValidationError(
        {"status": _("Seats follow the capacity and the waitlist: cancel, decline or approve instead.")},
        code="not_a_step",
    )


def registration_closed_reason(*, meeting: Meeting) -> str | None:
    """Return why nobody can register for meeting now, or None when registration is open."""
    try:
        _check_open_for_registration(meeting)
    except RegistrationError as error:
        return error.messages[0]
    return None
