"""The emails about an application: received, accepted, waitlisted, not selected, promoted, seat released.

Each is sent in the applicant's language and time zone, through the portal's ledger under a key
per registration, event and status change, so a retried or duplicated task sends it once; a
notice whose status changed before it was sent is dropped (the newer one tells the truth).
"""

from __future__ import annotations

from django.urls import reverse

from members.notifications import absolute_url

from .models import Application, Meeting, Registration
from .notifications import send_meeting_email

S = Registration.Status
EVENT_STATUS = {
    "submitted": S.PENDING,
    "accepted": S.REGISTERED,
    "promoted": S.REGISTERED,
    "waitlisted": S.WAITLISTED,
    "rejected": S.DECLINED,
    "released": S.CANCELLED,
}


def send_application_notice(*, registration_id: int, event: str) -> bool:
    registration = Registration.objects.select_related("meeting__community", "user").filter(pk=registration_id).first()
    if registration is None or registration.user_id is None or EVENT_STATUS.get(event) != registration.status:
        return False
    application = Application.objects.filter(registration=registration).first()
    if application is None or (event == "released" and application.released_at is None):
        return False
    meeting = registration.meeting
    if meeting.status == Meeting.Status.CANCELLED:
        return False
    user = registration.user
    if not user.is_active or not user.email:
        return False
    stamp = int(registration.status_changed_at.timestamp() * 1_000_000)
    page = reverse(
        "meetings:my_application", kwargs={"community_slug": meeting.community.slug, "meeting_pk": meeting.pk}
    )
    return send_meeting_email(
        to_email=user.email,
        template_prefix="meetings/emails/application",
        context={
            "meeting": meeting,
            "community": meeting.community,
            "meeting_url": absolute_url(meeting.get_absolute_url()),
            "application_url": absolute_url(page),
            "person_name": user.get_full_name(),
            "viewer_zone": user.time_zone,
            "event": event,
            "confirm_by": application.confirm_by if event in ("accepted", "promoted") else None,
        },
        language=user.language,
        key=f"application:{registration.pk}:{event}:{stamp}",
        kind=f"application_{event}",
        user=user,
        community_id=meeting.community_id,
        time_zone=user.time_zone,
    )
