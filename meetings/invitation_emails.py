"""The email of a bulk invitation to a meeting: what it says, in the invited person's language, sent once."""

from __future__ import annotations

from communities.translation import localize
from members.notifications import absolute_url

from .models import Meeting, MeetingInvitation
from .notifications import send_meeting_email


def send_meeting_invitation(*, invitation_id: int) -> bool:
    """Invite a member to a meeting by email; nothing when the meeting was cancelled or they registered since."""
    invitation = (
        MeetingInvitation.objects.select_related("meeting__community", "user", "invited_by")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or not invitation.user.is_active or not invitation.user.email:
        return False
    meeting = invitation.meeting
    if meeting.status != Meeting.Status.SCHEDULED or meeting.has_started:
        return False
    if meeting.registrations.filter(user=invitation.user).active().exists():
        return False  # registered in the meantime: the invitation has nothing left to ask
    user = invitation.user
    return send_meeting_email(
        to_email=user.email,
        template_prefix="meetings/emails/invitation",
        context={
            "meeting": meeting,
            "shown": localize(meeting, language=user.language or meeting.community.default_language),
            "community": meeting.community,
            "meeting_url": absolute_url(meeting.get_absolute_url()),
            "person_name": user.get_full_name(),
            "viewer_zone": user.time_zone,
            "inviter_name": invitation.invited_by.get_full_name() if invitation.invited_by_id else "",
            "can_register": meeting.takes_registrations,
        },
        language=user.language,
        key=f"meeting-invitation:{invitation.pk}",
        kind="meeting_invitation",
        user=user,
        community_id=meeting.community_id,
        time_zone=user.time_zone,
    )
