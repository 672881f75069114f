"""Send a templated meetings email, optionally with an iCalendar invitation attached.

Rendering reuses members.notifications.render_templated_email (recipient's language,
subject prefix, text and HTML parts); this module adds what that sender does not do:
attachments, and the once-only ledger kept in the database (MeetingNotice) rather
than in the cache, so a notice is never sent twice even after a cache flush.
"""

from __future__ import annotations

from email.mime.text import MIMEText

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from members.notifications import render_templated_email

from .models import Meeting, MeetingNotice


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
) -> None:
    subject, text, html = render_templated_email(template_prefix=template_prefix, context=context, language=language)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to_email],
        headers={"Content-Language": language or settings.LANGUAGE_CODE, "Auto-Submitted": "auto-generated"},
    )
    if html:
        message.attach_alternative(html, "text/html")
    if ics is not None:
        message.attach(calendar_part(ics, method or "PUBLISH"))
    message.send()


def send_once(*, key: str, meeting: Meeting, email: str, kind: str, send) -> bool:
    """Call send() unless the ledger shows key was already sent; return whether it sent.

    The ledger row is locked while sending, so two workers running the same task
    send one email; a failed send leaves the row unsent and a retry tries again.
    """
    with transaction.atomic():
        notice, _created = MeetingNotice.objects.get_or_create(
            key=key, defaults={"meeting": meeting, "email": email, "kind": kind}
        )
        notice = MeetingNotice.objects.select_for_update().get(pk=notice.pk)
        if notice.sent_at is not None:
            return False
        send()
        notice.sent_at = timezone.now()
        notice.save(update_fields=["sent_at"])
    return True
