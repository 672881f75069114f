"""Send a templated meetings email, optionally with an iCalendar invitation attached.

Sending goes through members.notifications.send_templated_email (recipient's language,
text and HTML parts, unsubscribe headers, and the email ledger that sends each key once,
even after a cache or broker flush); this module adds the text/calendar part.
"""

from __future__ import annotations

from email.mime.text import MIMEText

from members.notifications import send_templated_email


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
