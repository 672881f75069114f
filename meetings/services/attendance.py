"""Attendance, walk-ins and closing a meeting with its outcomes and action items."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.reporting import reports_changed
from members.models import User

from ..models import Meeting, MeetingOutcome, Registration
from ..webhooks import emit_registration
from ._common import _require_started
from .follow_up import ActionItemData, action_items_sync, minutes_publish
from .registrations import _set_status
from .scheduling import meeting_mark_held


@transaction.atomic
def attendance_mark(*, meeting: Meeting, by: User | None, attended_ids: Iterable[int]) -> int:
    """Record who attended among the registered people of meeting; return how many attended."""
    reports_changed(meeting.community_id)  # counted again by the reports (after commit)
    _require_started(meeting)
    attended_ids = set(attended_ids)
    registered = Registration.objects.filter(meeting=meeting, status=Registration.Status.REGISTERED)
    registered.filter(pk__in=attended_ids).update(attended=True, updated_at=timezone.now())
    registered.exclude(pk__in=attended_ids).update(attended=False, updated_at=timezone.now())
    return registered.filter(attended=True).count()


@transaction.atomic
def registration_attendance_set(*, registration: Registration, attended: bool, by: User | None) -> Registration:
    """Record whether one registered person came (a row of the attendance list); setting it twice changes nothing."""
    reports_changed(registration.meeting.community_id)  # counted again by the reports (after commit)
    meeting = Meeting.objects.select_for_update().get(pk=registration.meeting_id)
    _require_started(meeting)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status != Registration.Status.REGISTERED:
        raise ValidationError(
            {"attended": _("Only registered people can be marked as present.")}, code="not_registered"
        )
    if registration.attended != attended:
        registration.attended = attended
        registration.save(update_fields=["attended", "updated_at"])
    return registration


@transaction.atomic
def walk_in_add(
    *,
    meeting: Meeting,
    by: User | None,
    name: str,
    email: str = "",
    organization=None,
    organization_name: str = "",
    country: str = "",
) -> Registration:
    """Record someone who came without registering; a person already registered is just marked present."""
    reports_changed(meeting.community_id)  # counted again by the reports (after commit)
    _require_started(meeting)
    Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
    email = (email or "").strip().lower()
    user = User.objects.filter(email__iexact=email).first() if email else None
    registration = Registration.objects.filter(meeting=meeting, user=user).first() if user else None
    if registration is None and email:
        registration = Registration.objects.filter(meeting=meeting, user__isnull=True, email__iexact=email).first()
    if registration is not None:
        if registration.status != Registration.Status.REGISTERED:
            registration.walk_in = True
            _set_status(registration, Registration.Status.REGISTERED)
        registration.attended = True
        registration.save()
        return registration
    if not name.strip() and user is None:
        raise ValidationError({"name": _("Give the name of the person who came.")}, code="name_required")
    registration = Registration(
        meeting=meeting,
        user=user,
        status=Registration.Status.REGISTERED,
        walk_in=True,
        attended=True,
        name=name.strip(),
        email=email,
        organization=organization,
        organization_name=organization_name.strip(),
        country=country,
        decided_by=by,
        decided_at=timezone.now(),
    )
    registration.save()
    emit_registration(registration, "registration.created", meeting=meeting)  # a walk-in
    return registration


@transaction.atomic
def meeting_close(
    *,
    meeting: Meeting,
    by: User | None,
    minutes: str,
    decisions: str = "",
    action_items: Sequence[ActionItemData] = (),
    mail_to: str | None = None,
    send_again: bool = False,
    seen_round: int | None = None,
) -> Meeting:
    """Record minutes, decisions and action items and mark the meeting held; closing again updates them.

    Saving minutes publishes them; mail_to, send_again and seen_round say whether they are emailed
    (follow_up.minutes_publish). Action items are updated in place, and their new owners told.
    """
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _require_started(meeting)
    outcome, _created = MeetingOutcome.objects.update_or_create(
        meeting=meeting, defaults={"minutes": minutes, "decisions": decisions, "written_by": by}
    )
    action_items_sync(meeting=meeting, by=by, items=action_items)
    meeting = meeting_mark_held(meeting=meeting, by=by)
    minutes_publish(outcome=outcome, by=by, mail_to=mail_to, send_again=send_again, seen_round=seen_round)
    return meeting


def meetings_needing_closing_reminder(*, now: datetime | None = None):
    """Return scheduled meetings that ended 3 to 30 days ago, still not closed and not yet reminded."""
    now = now or timezone.now()
    return Meeting.objects.filter(
        status=Meeting.Status.SCHEDULED,
        end__lte=now - timedelta(days=3),
        end__gte=now - timedelta(days=30),
        closing_reminder_sent_at__isnull=True,
    )
