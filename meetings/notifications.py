"""The emails about meetings: what each says, to whom, with which calendar attachment.

Transport and ledger live in members.notifications (send_templated_email); this module adds the
text/calendar part (send_meeting_email) and decides content and recipients.

Each function re-reads the state it reports (a task may run late or twice) and sends
through the portal's email ledger (members.notifications) under a key per event and
person, so nothing is sent twice.
"""

from __future__ import annotations

from email.mime.text import MIMEText

from django.urls import reverse
from django.utils import timezone

from communities import permissions
from communities.models import Membership
from members.models import User
from members.notifications import absolute_url, send_templated_email

from . import ical
from .models import Meeting, Registration


def calendar_part(ics: bytes, method: str) -> MIMEText:
    """Return a text/calendar MIME part with its METHOD, as calendar clients expect for invitations."""
    part = MIMEText(ics.decode("utf-8"), "calendar", "utf-8")
    part.set_param("method", method)
    part.add_header("Content-Disposition", "attachment", filename="invite.ics" if method == "REQUEST" else "cancel.ics")
    return part


def send_meeting_email(
    *,
    to_email: str,
    template_prefix: str,
    context: dict,
    language: str | None,
    ics: bytes | None = None,
    method: str | None = None,
    key: str | None = None,
    kind: str = "",
    user=None,
    community_id: int | None = None,
    time_zone: str | None = None,
) -> bool:
    """Send a meetings email through the portal's ledger (once per key), with its calendar file attached."""
    attachments = [calendar_part(ics, method or "PUBLISH")] if ics is not None else []
    return send_templated_email(
        to_email=to_email,
        template_prefix=template_prefix,
        context=context,
        language=language,
        time_zone=time_zone,
        once_key=key,
        user=user,
        kind=kind,
        community_id=community_id,
        attachments=attachments,
    )


# Which status a registration notice reports; a notice whose status has changed since is dropped.
EVENT_STATUS = {
    "registered": Registration.Status.REGISTERED,
    "promoted": Registration.Status.REGISTERED,
    "approved": Registration.Status.REGISTERED,
    "waitlisted": Registration.Status.WAITLISTED,
    "pending": Registration.Status.PENDING,
    "declined": Registration.Status.DECLINED,
}


def _recipient(registration: Registration) -> tuple[str, str, str, str]:
    """Return (email, name, language, time zone) of the person a registration belongs to."""
    meeting = registration.meeting
    if registration.user_id:
        user = registration.user
        return user.email, user.get_full_name(), user.language, user.time_zone
    return registration.email, registration.name, meeting.community.default_language, meeting.time_zone


def _context(meeting: Meeting, **extra) -> dict:
    return {
        "meeting": meeting,
        "community": meeting.community,
        "meeting_url": absolute_url(meeting.get_absolute_url()),
        **extra,
    }


def send_registration_notice(*, registration_id: int, event: str) -> bool:
    """Tell a person about their registration (confirmed, waiting, promoted, approved, declined)."""
    registration = Registration.objects.select_related("meeting__community", "user").filter(pk=registration_id).first()
    if registration is None or EVENT_STATUS.get(event) != registration.status:
        return False
    meeting = registration.meeting
    if meeting.status == Meeting.Status.CANCELLED:
        return False
    email, name, language, zone = _recipient(registration)
    if not email:
        return False
    registered = registration.status == Registration.Status.REGISTERED
    stamp = int(registration.status_changed_at.timestamp() * 1_000_000)
    key = f"registration:{registration.pk}:{event}:{stamp}"

    ics = None
    if registered:
        ics = ical.invitation(meeting, method="REQUEST", attendee_email=email, attendee_name=name, include_join=True)
    return send_meeting_email(
        to_email=email,
        template_prefix="meetings/emails/registration",
        context=_context(
            meeting,
            event=event,
            registration=registration,
            person_name=name,
            viewer_zone=zone,
            # The online link goes only to people holding a seat.
            join_url=meeting.online_url if registered and meeting.is_online else "",
        ),
        language=language,
        ics=ics,
        method="REQUEST",
        key=key,
        kind=f"registration_{event}",
        user=registration.user if registration.user_id else None,
        community_id=meeting.community_id,
        time_zone=zone,
    )


def send_cancellation_notices(*, meeting_id: int) -> int:
    """Tell everyone registered, waiting or pending that the meeting is cancelled; return how many were told."""
    meeting = Meeting.objects.select_related("community").filter(pk=meeting_id).first()
    if meeting is None or meeting.status != Meeting.Status.CANCELLED:
        return 0
    sent = 0
    registrations = (
        Registration.objects.filter(meeting=meeting)
        .active()
        .select_related("user", "meeting__community")
        .order_by("pk")
    )
    for registration in registrations:
        email, name, language, zone = _recipient(registration)
        if not email:
            continue
        ics = None
        if registration.status == Registration.Status.REGISTERED:
            ics = ical.invitation(
                meeting, method="CANCEL", attendee_email=email, attendee_name=name, include_join=False
            )
        sent += send_meeting_email(
            to_email=email,
            template_prefix="meetings/emails/cancelled",
            context=_context(meeting, registration=registration, person_name=name, viewer_zone=zone),
            language=language,
            ics=ics,
            method="CANCEL",
            key=f"cancelled:{meeting.pk}:{registration.pk}:{meeting.sequence}",
            kind="cancelled",
            user=registration.user if registration.user_id else None,
            community_id=meeting.community_id,
            time_zone=zone,
        )
    return sent


def send_update_notices(*, meeting_id: int, sequence: int) -> int:
    """Tell registered people that the time or place changed; a newer revision supersedes this one."""
    meeting = Meeting.objects.select_related("community").filter(pk=meeting_id).first()
    if meeting is None or meeting.status != Meeting.Status.SCHEDULED or meeting.sequence != sequence:
        return 0
    sent = 0
    registrations = (
        Registration.objects.filter(meeting=meeting, status=Registration.Status.REGISTERED)
        .select_related("user", "meeting__community")
        .order_by("pk")
    )
    for registration in registrations:
        email, name, language, zone = _recipient(registration)
        if not email:
            continue

        ics = ical.invitation(meeting, method="REQUEST", attendee_email=email, attendee_name=name, include_join=True)
        sent += send_meeting_email(
            to_email=email,
            template_prefix="meetings/emails/updated",
            context=_context(
                meeting,
                registration=registration,
                person_name=name,
                viewer_zone=zone,
                join_url=meeting.online_url if meeting.is_online else "",
            ),
            language=language,
            ics=ics,
            method="REQUEST",
            key=f"updated:{meeting.pk}:{registration.pk}:{sequence}",
            kind="updated",
            user=registration.user if registration.user_id else None,
            community_id=meeting.community_id,
            time_zone=zone,
        )
    return sent


def meeting_organisers(meeting: Meeting) -> list[User]:
    """Return who organises meeting: its creator and co-organisers, else the coordinators (and group facilitators)."""
    people = {}
    if meeting.created_by_id and meeting.created_by.is_active:
        people[meeting.created_by_id] = meeting.created_by
    co_organisers = permissions.users_granted("meetings.organise_meeting", meeting)
    for user in co_organisers:
        if user.is_active:
            people[user.pk] = user
    if not people:
        leaders = Membership.objects.active().filter(community=meeting.community).select_related("user")
        coordinators = leaders.filter(group__isnull=True, role=Membership.Role.COORDINATOR)
        facilitators = leaders.filter(group=meeting.group, role=Membership.Role.FACILITATOR) if meeting.group_id else []
        for membership in [*coordinators, *facilitators]:
            if membership.user.is_active:
                people[membership.user_id] = membership.user
    return list(people.values())


def send_closing_reminder(*, meeting_id: int) -> int:
    """Remind the organisers of a meeting not closed 3 days after it ended; mark it reminded."""
    meeting = Meeting.objects.select_related("community", "created_by").filter(pk=meeting_id).first()
    if meeting is None or meeting.status != Meeting.Status.SCHEDULED or meeting.closing_reminder_sent_at:
        return 0
    sent = 0
    close_url = absolute_url(
        reverse("meetings:close", kwargs={"community_slug": meeting.community.slug, "meeting_pk": meeting.pk})
    )
    for organiser in meeting_organisers(meeting):
        sent += send_meeting_email(
            to_email=organiser.email,
            template_prefix="meetings/emails/closing_reminder",
            context=_context(
                meeting, person_name=organiser.get_full_name(), viewer_zone=organiser.time_zone, close_url=close_url
            ),
            language=organiser.language,
            key=f"closing-reminder:{meeting.pk}:{organiser.pk}",
            kind="closing_reminder",
            user=organiser,
            community_id=meeting.community_id,
            time_zone=organiser.time_zone,
        )
    Meeting.objects.filter(pk=meeting.pk, closing_reminder_sent_at__isnull=True).update(
        closing_reminder_sent_at=timezone.now()
    )
    return sent
