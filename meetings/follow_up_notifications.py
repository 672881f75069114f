"""The follow-up emails: minutes to participants (and the community), action notices to owners, certificates.

Like meetings.notifications, each function re-reads the state it reports (a task may run late or
twice) and sends through the portal's email ledger under a key per event and person, in the
recipient's language, so nothing is sent twice.
"""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from communities import permissions
from communities.models import Membership
from members.notifications import absolute_url

from .models import ActionItem, Meeting, MeetingOutcome, Registration
from .notifications import _context, _recipient, send_meeting_email


def minutes_participants(meeting: Meeting):
    """Return the registrations of meeting's participants, who receive its minutes.

    When attendance was taken (someone was marked present), the participants are the people
    marked present, walk-ins included; otherwise they are everyone registered with a seat.
    """
    registered = Registration.objects.filter(meeting=meeting, status=Registration.Status.REGISTERED)
    if registered.filter(attended=True).exists():
        return registered.filter(attended=True)
    return registered


def _minutes_recipients(meeting: Meeting, mail_to: str) -> list[tuple[str, str, str, str, object]]:
    """Return (email, name, language, zone, user) of the people who receive the minutes, each once."""
    people: dict[str, tuple] = {}
    registrations = minutes_participants(meeting).select_related("user", "meeting__community").order_by("pk")
    for registration in registrations:
        if registration.user_id and not registration.user.is_active:
            continue
        email, name, language, zone = _recipient(registration)
        if email:
            people.setdefault(email.lower(), (email, name, language, zone, registration.user))
    if mail_to == MeetingOutcome.MailTo.COMMUNITY:
        members = (
            Membership.objects.active()
            .community_level()
            .filter(community=meeting.community, user__is_active=True)
            .select_related("user")
            .order_by("user_id")
        )
        for membership in members:
            user = membership.user
            if meeting.group_id and not permissions.can_see_group(user, meeting.group):
                continue  # a private group's minutes stay behind its wall
            if user.email:
                people.setdefault(
                    user.email.lower(), (user.email, user.get_full_name(), user.language, user.time_zone, user)
                )
    return list(people.values())


def send_minutes(*, meeting_id: int, mail_round: int) -> int:
    """Email the published minutes of meeting (round mail_round); a superseded or unpublished round sends nothing."""
    meeting = Meeting.objects.select_related("community", "group").filter(pk=meeting_id).first()
    if meeting is None or meeting.status == Meeting.Status.CANCELLED:
        return 0
    outcome = MeetingOutcome.objects.filter(meeting=meeting).first()
    if outcome is None or outcome.published_at is None or outcome.mail_round != mail_round:
        return 0
    items = list(ActionItem.objects.filter(meeting=meeting).select_related("owner"))
    sent = 0
    for email, name, language, zone, user in _minutes_recipients(meeting, outcome.mail_to):
        sent += send_meeting_email(
            to_email=email,
            template_prefix="meetings/emails/minutes",
            context=_context(
                meeting, outcome=outcome, action_items=items, person_name=name, viewer_zone=zone, again=mail_round > 1
            ),
            language=language,
            key=f"minutes:{meeting.pk}:{mail_round}:{email.lower()}",
            kind="minutes",
            user=user,
            community_id=meeting.community_id,
            time_zone=zone,
        )
    return sent


ACTION_TEMPLATES = {
    "assigned": "meetings/emails/action_assigned",
    "reminder": "meetings/emails/action_reminder",
    "overdue": "meetings/emails/action_overdue",
}


def send_action_notice(*, item_id: int, event: str, owner_id: int, due_date: str) -> bool:
    """Tell the owner of an action item it was assigned to them, is due soon, or is overdue.

    Nothing goes out when the item changed since (another owner, another date, done or dropped):
    the change brought its own notice. The ledger key names the item, owner and date.
    """
    item = ActionItem.objects.select_related("meeting__community", "owner").filter(pk=item_id).first()
    if item is None or event not in ACTION_TEMPLATES:
        return False
    current_due = item.due_date.isoformat() if item.due_date else ""
    if item.owner_id != owner_id or current_due != due_date or not item.is_open:
        return False
    owner = item.owner
    meeting = item.meeting
    if not owner.is_active or not owner.email or meeting.status == Meeting.Status.CANCELLED:
        return False
    register_url = absolute_url(
        reverse("meetings:actions", kwargs={"community_slug": meeting.community.slug}) + "?owner=me"
    )
    return send_meeting_email(
        to_email=owner.email,
        template_prefix=ACTION_TEMPLATES[event],
        context=_context(
            meeting,
            item=item,
            person_name=owner.get_full_name(),
            viewer_zone=owner.time_zone,
            register_url=register_url,
            due_date=date.fromisoformat(due_date) if due_date else None,
        ),
        language=owner.language,
        key=f"action-{event}:{item.pk}:{owner.pk}:{due_date}",
        kind=f"action_{event}",
        user=owner,
        community_id=meeting.community_id,
        time_zone=owner.time_zone,
    )
