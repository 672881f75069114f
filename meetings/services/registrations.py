"""Registrations: registering, inviting, the waiting list, approving, declining and cancelling.

Seats: a meeting's capacity counts every registered person (walk-ins take none), except a
hybrid meeting that asks how people attend (the attendance-mode question switched on): it
counts its seats by mode, capacity for the room and online_capacity online, each mode with
its own waitlist, and a freed seat goes to the first person waiting for that mode. A
registration with no mode in such a meeting (registered before the question was asked)
counts as in person. Every write that moves seats locks the meeting row first.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from communities import permissions
from communities.reporting import reports_changed
from members import outbox
from members.models import User

from .. import reminders, tasks
from ..models import Meeting, Question, Registration
from ..webhooks import emit_registration
from ._common import RegistrationError
from .answers import answers_clean, answers_locked_reason, answers_save, asked_questions

Mode = Registration.Mode


def splits_seats(meeting: Meeting, questions: Iterable[Question] | None = None) -> bool:
    """Return whether meeting counts in-person and online seats apart (hybrid, asking the attendance mode).

    questions: the meeting's asked questions when the caller has them (asked_questions), saving a query.
    """
    if meeting.format != Meeting.Format.HYBRID:
        return False
    if questions is not None:
        return any(question.builtin == Question.BuiltIn.ATTENDANCE_MODE for question in questions)
    return Question.objects.filter(meeting=meeting, builtin=Question.BuiltIn.ATTENDANCE_MODE, enabled=True).exists()


def _pool(meeting: Meeting, mode: str | None) -> QuerySet[Registration]:
    """Return the registrations sharing seats with mode (None: the whole meeting, seats not split)."""
    registrations = Registration.objects.filter(meeting=meeting)
    if mode is None:
        return registrations
    if mode == Mode.ONLINE:
        return registrations.filter(attendance_mode=Mode.ONLINE)
    return registrations.filter(Q(attendance_mode=Mode.IN_PERSON) | Q(attendance_mode=""))


def _seat_limit(meeting: Meeting, mode: str | None) -> int | None:
    if mode == Mode.ONLINE:
        return meeting.online_capacity
    return meeting.capacity


def _mode_of(registration: Registration, split: bool) -> str | None:
    """Return the seat pool of registration: None when seats are not split, else its mode (none: in person)."""
    if not split:
        return None
    return Mode.ONLINE if registration.attendance_mode == Mode.ONLINE else Mode.IN_PERSON


def _seats_taken(meeting: Meeting, mode: str | None = None) -> int:
    return _pool(meeting, mode).seats_taken().count()


def _next_position(meeting: Meeting, mode: str | None = None) -> int:
    last = _pool(meeting, mode).waitlisted().aggregate(last=Max("position"))["last"]
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


def _place(meeting: Meeting, registration: Registration, *, approval: bool, split: bool | None = None) -> str:
    """Give registration a seat, a waitlist place or an approval request; return the notice to send."""
    if approval:
        _set_status(registration, Registration.Status.PENDING)
        return "pending"
    mode = _mode_of(registration, splits_seats(meeting) if split is None else split)
    limit = _seat_limit(meeting, mode)
    if limit is not None and _seats_taken(meeting, mode) >= limit:
        _set_status(registration, Registration.Status.WAITLISTED, position=_next_position(meeting, mode))
        return "waitlisted"
    _set_status(registration, Registration.Status.REGISTERED)
    return "registered"


def _mode_answer(questions: list[Question], cleaned: dict) -> str | None:
    for question in questions:
        if question.builtin == Question.BuiltIn.ATTENDANCE_MODE:
            return cleaned.get(question.pk) or ""
    return None


@transaction.atomic
def registration_create(
    *, meeting: Meeting, user: User, answers: dict | None = None, email: bool = True
) -> Registration:
    """Register user for meeting with their answers to its form: a seat if one is free, else the waitlist.

    Approval meetings wait for organisers. answers maps each question's field name to the
    value submitted; they are checked before anything is saved (ValidationError keyed by
    field name). Registering twice returns the registration already there, answers untouched.
    email=False leaves the email to the caller (following a series sends one for all its dates).
    """
    reports_changed(meeting.community_id)  # counted again by the reports (after commit)
    meeting = Meeting.objects.select_for_update().select_related("community").get(pk=meeting.pk)
    if not Meeting.objects.visible_to(user).filter(pk=meeting.pk).exists():
        raise RegistrationError(_("You cannot register for this meeting."), code="not_visible")
    registration = Registration.objects.select_for_update().filter(meeting=meeting, user=user).first()
    if registration is not None and registration.is_active:
        return registration
    if registration is not None and registration.status == Registration.Status.DECLINED:
        raise RegistrationError(_("The organisers declined your registration for this meeting."), code="declined")
    if meeting.takes_applications:  # applications answer the same form, through services.applications
        raise RegistrationError(_("This meeting takes applications: apply instead."), code="applications")
    _check_open_for_registration(meeting)
    questions = asked_questions(meeting)
    cleaned = answers_clean(questions, answers or {})
    if registration is None:
        registration = Registration(meeting=meeting, user=user)
    mode = _mode_answer(questions, cleaned)
    if mode is not None:
        registration.attendance_mode = mode
    event = _place(meeting, registration, approval=meeting.registration_policy == Meeting.RegistrationPolicy.APPROVAL)
    registration.save()
    answers_save(registration=registration, questions=questions, cleaned=cleaned)
    emit_registration(registration, "registration.created", meeting=meeting)
    if email:
        _notify(registration, event)
    else:
        reminders.on_registration_changed(registration)
    return registration


@transaction.atomic
def registration_answers_update(*, registration: Registration, by: User, answers: dict) -> Registration:
    """Change the answers of registration until the deadline (the registration deadline, else the start).

    A new attendance mode moves the person to the other seats when one is free there (their
    old seat goes to the first person waiting for it), to the end of that mode's waitlist
    when they were waiting, and is refused, keeping the seat they hold, when the other
    mode is full. After the deadline nothing changes and the error says until when it could.
    """
    meeting = Meeting.objects.select_for_update().select_related("community").get(pk=registration.meeting_id)
    reports_changed(meeting.community_id)  # counted again by the reports (after commit)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.user_id != by.pk or not registration.is_active:
        raise RegistrationError(_("Only the person registered can change these answers."), code="not_yours")
    if reason := answers_locked_reason(meeting):
        raise RegistrationError(reason, code="answers_locked")
    questions = asked_questions(meeting)
    cleaned = answers_clean(questions, answers)
    mode = _mode_answer(questions, cleaned)
    split = splits_seats(meeting)
    if mode is not None and mode != registration.attendance_mode:
        _change_mode(meeting, registration, mode, split=split, field=_mode_field(questions))
    answers_save(registration=registration, questions=questions, cleaned=cleaned)
    return registration


def _mode_field(questions: list[Question]) -> str:
    return next(q.field_name for q in questions if q.builtin == Question.BuiltIn.ATTENDANCE_MODE)


def _change_mode(meeting: Meeting, registration: Registration, mode: str, *, split: bool, field: str) -> None:
    old_pool = _mode_of(registration, split)
    registration.attendance_mode = mode
    new_pool = _mode_of(registration, split)
    if not split or old_pool == new_pool or registration.status == Registration.Status.PENDING:
        registration.save(update_fields=["attendance_mode", "updated_at"])
        return
    held_seat = registration.status == Registration.Status.REGISTERED and not registration.walk_in
    limit = _seat_limit(meeting, new_pool)
    free = limit is None or _seats_taken(meeting, new_pool) < limit
    if held_seat and not free:
        labels = {Mode.ONLINE: _("No online seat is free"), Mode.IN_PERSON: _("No seat in the room is free")}
        raise ValidationError(
            {field: [_("%(reason)s: you keep your current seat.") % {"reason": labels[new_pool]}]}, code="mode_full"
        )
    if free:
        event = "registered" if registration.status != Registration.Status.REGISTERED else None
        _set_status(registration, Registration.Status.REGISTERED)
    else:
        event = "waitlisted"
        _set_status(registration, Registration.Status.WAITLISTED, position=_next_position(meeting, new_pool))
    registration.save(update_fields=["attendance_mode", "status", "position", "status_changed_at", "updated_at"])
    if event == "registered":
        _notify(registration, "promoted")
    if held_seat:
        _fill_free_seats(meeting, mode=old_pool)


@transaction.atomic
def registration_invite(*, meeting: Meeting, user: User, by: User | None, attendance_mode: str = "") -> Registration:
    """Register user on the organisers' behalf (invitation-only meetings); capacity still applies.

    attendance_mode places them in a hybrid meeting's online or in-person seats (none: in person).
    """
    reports_changed(meeting.community_id)  # counted again by the reports (after commit)
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
    if attendance_mode in Mode.values:
        registration.attendance_mode = attendance_mode
    event = _place(meeting, registration, approval=False)
    registration.decided_by = by
    registration.decided_at = timezone.now()
    registration.save()
    emit_registration(registration, "registration.created", meeting=meeting)
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
    reports_changed(meeting.community_id)  # counted again by the reports (after commit)
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


def _fill_free_seats(meeting: Meeting, mode: str | None = None) -> list[Registration]:
    """Promote waitlisted people of a seat pool, first come first served, into its free seats.

    mode is the pool (None: seats not split); the caller holds the meeting lock. A meeting that
    takes applications promotes by score and quotas instead (services.selection).
    """
    if meeting.takes_applications:
        from .selection import promote_from_waitlist

        return promote_from_waitlist(meeting)
    if meeting.status != Meeting.Status.SCHEDULED or meeting.has_started:
        return []
    waitlist = _pool(meeting, mode).waitlisted().select_for_update()
    limit = _seat_limit(meeting, mode)
    if limit is None:
        promoted = list(waitlist)
    else:
        free = limit - _seats_taken(meeting, mode)
        promoted = list(waitlist[:free]) if free > 0 else []
    for registration in promoted:
        _set_status(registration, Registration.Status.REGISTERED)
        registration.save(update_fields=["status", "position", "status_changed_at", "updated_at"])
        _notify(registration, "promoted")
    return promoted


def fill_free_seats_everywhere(meeting: Meeting) -> list[Registration]:
    """Fill the free seats of every seat pool of meeting (after its capacities grew); caller holds the lock."""
    if not splits_seats(meeting):
        return _fill_free_seats(meeting)
    return _fill_free_seats(meeting, mode=Mode.IN_PERSON) + _fill_free_seats(meeting, mode=Mode.ONLINE)


@transaction.atomic
def registration_cancel(*, registration: Registration, by: User | None = None) -> Registration:
    """Cancel a registration and give the freed seat to the first person waiting.

    The meeting row is locked first, so two cancellations at the same moment are
    serialised and never promote the same waiting person twice. Cancelling twice
    changes nothing.
    """
    reports_changed(registration.meeting.community_id)  # counted again by the reports (after commit)
    meeting = Meeting.objects.select_for_update().get(pk=registration.meeting_id)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status in (Registration.Status.CANCELLED, Registration.Status.DECLINED):
        return registration
    held_seat = registration.status == Registration.Status.REGISTERED and not registration.walk_in
    _set_status(registration, Registration.Status.CANCELLED)
    registration.save(update_fields=["status", "position", "status_changed_at", "updated_at"])
    reminders.on_registration_changed(registration)
    emit_registration(registration, "registration.cancelled", meeting=meeting)
    if held_seat:
        _fill_free_seats(meeting, mode=_mode_of(registration, splits_seats(meeting)))
    return registration


@transaction.atomic
def registration_approve(*, registration: Registration, by: User | None) -> Registration:
    """Accept a pending registration: a seat if one is free, else the waitlist. Approving twice changes nothing."""
    reports_changed(registration.meeting.community_id)  # counted again by the reports (after commit)
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
    reports_changed(registration.meeting.community_id)  # counted again by the reports (after commit)
    meeting = Meeting.objects.select_for_update().get(pk=registration.meeting_id)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status in (Registration.Status.DECLINED, Registration.Status.CANCELLED):
        return registration
    held_seat = registration.status == Registration.Status.REGISTERED and not registration.walk_in
    _set_status(registration, Registration.Status.DECLINED)
    registration.decided_by = by
    registration.decided_at = timezone.now()
    registration.save()
    # The seat is no longer asked for: announced as a cancellation, its status says by whom.
    emit_registration(registration, "registration.cancelled", meeting=meeting)
    _notify(registration, "declined")
    if held_seat:
        _fill_free_seats(meeting, mode=_mode_of(registration, splits_seats(meeting)))
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
