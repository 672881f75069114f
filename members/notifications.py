"""Every email of the portal goes out through send_templated_email, once, in its recipient's language.

Any app uses it the same way:

    send_templated_email(
        to_email=user.email,
        user=user,
        template_prefix="communities/emails/decision_approved",
        context={"community": community},
        language=user.language,
        time_zone=user.time_zone,
        once_key=f"membership-event:{event.pk}:{user.pk}",
        kind="decision",
        community_id=community.pk,
    )

1. The ledger row (EmailLedger) with the unique once_key is claimed: created if missing, then
   locked (select_for_update). A row already sent, failed for good or skipped sends nothing, so a
   retried or duplicated task, two workers or two beats send each email once.
2. A stream the person turned off (digest, reminders, updates) marks the row skipped.
3. <prefix>.subject.txt, <prefix>.txt and <prefix>.html are rendered with the recipient's
   language and time zone active; an HTML fragment is wrapped in templates/emails/base.html.
   Both parts get a footer with a link to /me/notifications/ and a one-click unsubscribe link,
   and the message carries Content-Language and the RFC 8058 List-Unsubscribe headers.
4. On success the row is marked sent. An SMTP error that is permanent (a 5xx answer, the
   recipient refused) or that comes on the last attempt marks the row failed (the coordinators'
   delivery log lists it); a transient one is recorded and raised again, so the Celery task
   retries it with bounded exponential backoff and jitter (MAIL_RETRY).

The module also holds the preference services (what each person wants) and the router that
sends mail tasks to the dedicated mail queue.
"""

from __future__ import annotations

import fnmatch
import logging
import re
import uuid
import zoneinfo
from collections.abc import Iterable
from email.mime.base import MIMEBase
from smtplib import SMTPException, SMTPRecipientsRefused, SMTPResponseException
from urllib.parse import quote

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from .models import EmailLedger, NotificationPreference, User, erased_email, is_erased_address
from .tokens import STREAM_ANNOUNCEMENTS, STREAM_DIGEST, STREAM_REMINDERS, STREAM_UPDATES, make_unsubscribe_token

logger = logging.getLogger(__name__)

# Celery options of every task that sends email: transient SMTP and network errors are retried
# with exponential backoff (capped at 10 minutes) and jitter, at most five times.
MAIL_RETRY = {
    "autoretry_for": (SMTPException, OSError),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 5,
}
# One first try and the retries: after that many attempts a ledger row is failed for good.
MAX_ATTEMPTS = 1 + MAIL_RETRY["max_retries"]

# Names of the tasks that send email; the router puts them on the mail queue.
# A data export ends in the email its person waits for: it goes with the mail too.
MAIL_TASK_PATTERNS = ("*.notify_*", "*.send_*", "*.build_data_export")


def route_task(name, args, kwargs, options, task=None, **kw):
    """Route email tasks to the mail queue (settings.MAIL_QUEUE), webhook posts to WEBHOOK_QUEUE when set."""
    if any(fnmatch.fnmatchcase(name, pattern) for pattern in MAIL_TASK_PATTERNS):
        return {"queue": getattr(settings, "MAIL_QUEUE", "mail")}
    if name.endswith(".deliver_webhook") and getattr(settings, "WEBHOOK_QUEUE", ""):
        return {"queue": settings.WEBHOOK_QUEUE}
    return None


# --- Rendering ------------------------------------------------------------------------------------


def _language(language: str | None) -> str:
    codes = dict(settings.LANGUAGES)
    return language if language in codes else settings.LANGUAGE_CODE


def _zone(name: str | None):
    try:
        return zoneinfo.ZoneInfo(name) if name else None
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def absolute_url(path: str, base_url: str | None = None) -> str:
    """Return path as an absolute address on the portal (SITE_URL), or on base_url when given; every app uses this."""
    return (base_url or settings.SITE_URL).rstrip("/") + path


def render_templated_email(
    *, template_prefix: str, context: dict, language: str | None, time_zone: str | None = None
) -> tuple[str, str, str]:
    """Return (subject, text, html) of template_prefix rendered in language; html is "" without a template."""
    language = _language(language)
    context = {"site_url": settings.SITE_URL.rstrip("/"), **context}
    with translation.override(language), timezone.override(_zone(time_zone)):
        subject = render_to_string(f"{template_prefix}.subject.txt", context)
        subject = " ".join(subject.split())  # one line: a header may not hold a newline
        prefix = getattr(settings, "ACCOUNT_EMAIL_SUBJECT_PREFIX", "")
        text = render_to_string(f"{template_prefix}.txt", context)
        try:
            html = render_to_string(f"{template_prefix}.html", context)
        except TemplateDoesNotExist:
            html = ""
    return f"{prefix}{subject}", text, html


_BODY_END = re.compile(r"</body\s*>", re.IGNORECASE)
FOOTER_MARK = "<!-- portal-footer -->"


def _finish_parts(
    *, subject: str, text: str, html: str, language: str, footer: dict, time_zone: str | None
) -> tuple[str, str]:
    """Add the footer (settings and unsubscribe links) to both parts; wrap an HTML fragment in the email layout."""
    with translation.override(language), timezone.override(_zone(time_zone)):
        text_footer = render_to_string("emails/_footer.txt", footer)
        html_footer = render_to_string("emails/_footer.html", footer)
        if not html.strip():
            html = render_to_string("emails/_text_as_html.html", {"text": text})
        if "<html" not in html.lower():
            html = render_to_string("emails/base.html", {"subject": subject, "wrapped_body": mark_safe(html)})  # noqa: S308 - our rendered template
    text = text.rstrip() + "\n\n" + text_footer.strip() + "\n"
    matches = list(_BODY_END.finditer(html))
    if FOOTER_MARK in html:  # our layout says where the footer goes (inside its column)
        html = html.replace(FOOTER_MARK, html_footer, 1)
    elif matches:
        cut = matches[-1].start()
        html = html[:cut] + html_footer + html[cut:]
    else:
        html += html_footer
    return text, html


def unsubscribe_headers(token: str) -> dict[str, str]:
    """Return the RFC 8058 headers: a one-click HTTPS address (POST, no login) and a mailto fallback."""
    url = absolute_url(reverse("notifications:unsubscribe", kwargs={"token": token}))
    mailbox = getattr(settings, "UNSUBSCRIBE_EMAIL", "") or _from_address()
    mailto = f"mailto:{mailbox}?subject={quote('unsubscribe ' + token)}"
    return {"List-Unsubscribe": f"<{url}>, <{mailto}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def _from_address() -> str:
    from email.utils import parseaddr

    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or "noreply@cop.localhost"


def build_message(
    *,
    to_email: str,
    template_prefix: str,
    context: dict,
    language: str | None,
    time_zone: str | None = None,
    user: User | None = None,
    stream: str = STREAM_UPDATES,
    headers: dict | None = None,
    attachments: Iterable = (),
) -> EmailMultiAlternatives:
    """Return the finished message (both parts, footer, headers, attachments), not yet sent."""
    language = _language(language)
    subject, text, html = render_templated_email(
        template_prefix=template_prefix, context=context, language=language, time_zone=time_zone
    )
    token = make_unsubscribe_token(stream=stream, user_id=user.pk if user else None, email=to_email)
    footer = {
        "has_account": user is not None,
        "stream": stream,
        "settings_url": absolute_url(reverse("me:notifications")),
        "unsubscribe_url": absolute_url(reverse("notifications:unsubscribe", kwargs={"token": token})),
    }
    text, html = _finish_parts(
        subject=subject, text=text, html=html, language=language, footer=footer, time_zone=time_zone
    )
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to_email],
        headers={
            "Content-Language": language,
            "Auto-Submitted": "auto-generated",
            **unsubscribe_headers(token),
            **(headers or {}),
        },
    )
    message.attach_alternative(html, "text/html")
    for attachment in attachments:
        if isinstance(attachment, MIMEBase):
            message.attach(attachment)
        else:
            message.attach(*attachment)
    return message


# --- Failures -------------------------------------------------------------------------------------


def is_permanent(error: BaseException) -> bool:
    """Return whether an SMTP error will not go away by retrying: a 5xx answer, or every recipient refused for good."""
    if isinstance(error, SMTPRecipientsRefused):
        codes = [code for code, _message in error.recipients.values()]
        return not codes or any(code >= 500 for code in codes)
    if isinstance(error, SMTPResponseException):
        return 500 <= error.smtp_code < 600
    return False


def _last_attempt(row: EmailLedger) -> bool:
    """Return whether this attempt is the last: the ledger's count, or the running Celery task's retries, ran out."""
    if row.attempts >= MAX_ATTEMPTS:
        return True
    from celery._state import get_current_task

    task = get_current_task()
    if task is None or task.max_retries is None:
        return False
    return task.request.retries >= task.max_retries


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:2000]


# --- The sender -----------------------------------------------------------------------------------


def send_templated_email(
    *,
    to_email: str,
    template_prefix: str,
    context: dict,
    language: str | None,
    once_key: str | None = None,
    time_zone: str | None = None,
    headers: dict | None = None,
    user: User | None = None,
    kind: str = "",
    community_id: int | None = None,
    stream: str = STREAM_UPDATES,
    attachments: Iterable = (),
) -> bool:
    """Send one email through the ledger; return True when it was sent now, False when not (already, skipped, failed).

    once_key is the ledger key (an email without one gets a fresh key: it is still recorded).
    A transient SMTP error is raised again after it is recorded, for the task to retry.
    """
    key = (once_key or f"adhoc:{uuid.uuid4().hex}")[:255]
    kind = (kind or template_prefix.rsplit("/", 1)[-1])[:40]
    failure: BaseException | None = None
    with transaction.atomic():
        row, _created = EmailLedger.objects.get_or_create(
            key=key,
            defaults={"kind": kind, "user": user, "to_email": to_email, "community_id": community_id},
        )
        row = EmailLedger.objects.select_for_update().get(pk=row.pk)
        if row.status != EmailLedger.Status.QUEUED:
            return False
        if is_erased_address(to_email) or (user is not None and user.is_erased):
            row.status = EmailLedger.Status.SKIPPED
            row.to_email = erased_email(user.pk) if user is not None else to_email
            row.last_error = "the recipient erased their account"
            row.save(update_fields=["status", "to_email", "last_error", "updated_at"])
            return False
        if user is not None and not stream_enabled(user=user, stream=stream):
            row.status = EmailLedger.Status.SKIPPED
            row.last_error = f"{stream} turned off by the recipient"
            row.save(update_fields=["status", "last_error", "updated_at"])
            return False
        message = build_message(
            to_email=to_email,
            template_prefix=template_prefix,
            context=context,
            language=language,
            time_zone=time_zone,
            user=user,
            stream=stream,
            headers=headers,
            attachments=attachments,
        )
        row.subject = message.subject[:300]
        row.to_email = to_email
        row.attempts += 1
        try:
            message.send()
        except (SMTPException, OSError) as error:
            row.last_error = _describe(error)
            if is_permanent(error) or _last_attempt(row):
                row.status = EmailLedger.Status.FAILED
                logger.warning("Email %s failed for good: %s", key, row.last_error)
            else:
                failure = error
            row.save(update_fields=["subject", "to_email", "attempts", "last_error", "status", "updated_at"])
        else:
            row.status = EmailLedger.Status.SENT
            row.sent_at = timezone.now()
            row.last_error = ""
            row.save(update_fields=["subject", "to_email", "attempts", "last_error", "status", "sent_at", "updated_at"])
            return True
    if failure is not None:
        raise failure  # recorded above; the task retries with backoff
    return False


def ledger_skip(*, key: str, kind: str, user: User | None, to_email: str, reason: str = "") -> bool:
    """Record that the email under key is not sent (nothing to say); return False when the row was already there."""
    row, created = EmailLedger.objects.get_or_create(
        key=key[:255],
        defaults={
            "kind": kind[:40],
            "user": user,
            "to_email": to_email,
            "status": EmailLedger.Status.SKIPPED,
            "last_error": reason,
        },
    )
    return created


# --- Preferences ----------------------------------------------------------------------------------


def preference_for(user: User) -> NotificationPreference:
    """Return user's preferences; the defaults (unsaved) when they never changed them."""
    preference = NotificationPreference.objects.filter(user=user).first()
    return preference or NotificationPreference(user=user)


def preferences_for(user_ids: Iterable[int]) -> dict[int, NotificationPreference]:
    """Return the preferences of many people in one query; people without a row get the defaults."""
    user_ids = list(user_ids)
    found = {p.user_id: p for p in NotificationPreference.objects.filter(user_id__in=user_ids)}
    return {user_id: found.get(user_id) or NotificationPreference(user_id=user_id) for user_id in user_ids}


def stream_enabled(*, user: User, stream: str) -> bool:
    return preference_allows(preference_for(user), stream)


def preference_allows(preference: NotificationPreference, stream: str) -> bool:
    """Return whether preference lets stream through (stream_enabled without the query; the batch sender's check)."""
    if stream == STREAM_DIGEST:
        return preference.digest_frequency != NotificationPreference.DigestFrequency.NEVER
    if stream == STREAM_REMINDERS:
        return bool(preference.active_offsets())
    if stream == STREAM_ANNOUNCEMENTS:
        return preference.announcements_enabled
    return preference.updates_enabled


REMINDER_OFFSET_CHOICES = (10080, 2880, 1440, 180, 60, 15)
MAX_REMINDER_OFFSETS = 3


@transaction.atomic
def notification_preferences_update(
    *,
    user: User,
    reminders_enabled: bool,
    reminder_offsets: Iterable[int],
    digest_frequency: str,
    updates_enabled: bool,
    muted_communities: Iterable[int] = (),
    muted_groups: Iterable[int] = (),
    announcements_enabled: bool | None = None,
) -> NotificationPreference:
    """Save what user wants; the caller checked the community and group ids are theirs. Saving twice changes nothing.

    announcements_enabled None leaves that choice as it was.
    """
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext_lazy as _

    offsets = sorted({int(value) for value in reminder_offsets}, reverse=True)
    errors = {}
    if any(value not in REMINDER_OFFSET_CHOICES for value in offsets):
        errors["reminder_offsets"] = _("Choose when to be reminded from the list.")
    elif len(offsets) > MAX_REMINDER_OFFSETS:
        errors["reminder_offsets"] = _("Choose at most three reminders per meeting.")
    elif reminders_enabled and not offsets:
        errors["reminder_offsets"] = _("Choose when to be reminded, or turn reminders off.")
    if digest_frequency not in NotificationPreference.DigestFrequency.values:
        errors["digest_frequency"] = _("Choose how often to receive the digest.")
    if errors:
        raise ValidationError(errors)
    preference, _created = NotificationPreference.objects.select_for_update().get_or_create(user=user)
    preference.reminders_enabled = reminders_enabled
    preference.reminder_offsets = offsets
    preference.digest_frequency = digest_frequency
    preference.updates_enabled = updates_enabled
    if announcements_enabled is not None:
        preference.announcements_enabled = announcements_enabled
    preference.muted_communities = sorted({int(pk) for pk in muted_communities})
    preference.muted_groups = sorted({int(pk) for pk in muted_groups})
    preference.save()
    return preference


@transaction.atomic
def notification_group_mute(*, user: User, group_id: int, muted: bool) -> NotificationPreference:
    """Leave a group out of user's digest (muted) or let it back in; the caller checked the group is theirs to see.

    Muting or unmuting twice changes nothing.
    """
    preference, _created = NotificationPreference.objects.select_for_update().get_or_create(user=user)
    groups = {int(pk) for pk in preference.muted_groups or []}
    wanted = groups | {int(group_id)} if muted else groups - {int(group_id)}
    if wanted != groups:
        preference.muted_groups = sorted(wanted)
        preference.save(update_fields=["muted_groups", "updated_at"])
    return preference


@transaction.atomic
def notification_stream_off(*, user: User, stream: str) -> NotificationPreference:
    """Turn one stream off for user (the one-click unsubscribe); turning it off twice changes nothing."""
    preference, _created = NotificationPreference.objects.select_for_update().get_or_create(user=user)
    if stream == STREAM_DIGEST:
        preference.digest_frequency = NotificationPreference.DigestFrequency.NEVER
    elif stream == STREAM_REMINDERS:
        preference.reminders_enabled = False
    elif stream == STREAM_ANNOUNCEMENTS:
        preference.announcements_enabled = False
    else:
        preference.updates_enabled = False
    preference.save()
    return preference


def ledger_history(*, user: User, limit: int = 50):
    """Return the last emails sent (or tried) to user, newest first; skipped ones are left out."""
    return (
        EmailLedger.objects.filter(user=user)
        .exclude(status=EmailLedger.Status.SKIPPED)
        .order_by("-created_at", "-pk")[:limit]
    )
