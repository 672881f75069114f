"""Send one templated email in its recipient's language, with a plain-text and an HTML part.

Any app uses it the same way:

    send_templated_email(
        to_email="ann@example.org",
        template_prefix="communities/emails/decision_approved",
        context={"community": community},
        language="it",
        once_key=f"membership-event:{event.pk}:{user.pk}",
    )

renders <prefix>.subject.txt, <prefix>.txt and (when it exists) <prefix>.html with the
language (and, when given, the recipient's time zone) active, so {% translate %} and dates
follow the recipient. The message carries a Content-Language header. once_key makes a
retried or duplicated task send nothing twice (held in the cache for a week; the
notifications ledger of the digests issue may replace it).
"""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone, translation

ONCE_TIMEOUT = 7 * 24 * 3600


def _language(language: str | None) -> str:
    codes = dict(settings.LANGUAGES)
    return language if language in codes else settings.LANGUAGE_CODE


def _zone(name: str | None):
    try:
        return zoneinfo.ZoneInfo(name) if name else None
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


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


def send_templated_email(
    *,
    to_email: str,
    template_prefix: str,
    context: dict,
    language: str | None,
    once_key: str | None = None,
    time_zone: str | None = None,
    headers: dict | None = None,
) -> bool:
    """Render and send one email; return False when once_key shows it was already sent."""
    if once_key and not cache.add(f"email-once:{once_key}", True, ONCE_TIMEOUT):
        return False
    try:
        subject, text, html = render_templated_email(
            template_prefix=template_prefix, context=context, language=language, time_zone=time_zone
        )
        message = EmailMultiAlternatives(
            subject=subject,
            body=text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[to_email],
            headers={"Content-Language": _language(language), **(headers or {})},
        )
        if html:
            message.attach_alternative(html, "text/html")
        message.send()
    except Exception:
        if once_key:
            cache.delete(f"email-once:{once_key}")  # not sent: a retry must try again
        raise
    return True
