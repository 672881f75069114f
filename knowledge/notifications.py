"""Send knowledge notifications once each, in the recipient's language."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import translation

from .models import SentNotice

logger = logging.getLogger(__name__)


def _local_send_templated_email(
    *, to_email: str, template_prefix: str, context: dict, language: str, time_zone: str | None = None
) -> None:
    """Render <prefix>.subject.txt, .txt and .html in language and send them (used when members has no sender)."""
    with translation.override(language):
        subject = " ".join(render_to_string(f"{template_prefix}.subject.txt", context).split())
        text = render_to_string(f"{template_prefix}.txt", context)
        html = render_to_string(f"{template_prefix}.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [to_email])
    message.attach_alternative(html, "text/html")
    message.send()


def _sender():
    """Use the members app's shared sender when it exists (one place for email), else the local one."""
    try:
        from members.notifications import send_templated_email
    except ImportError:
        return _local_send_templated_email
    return send_templated_email


def absolute_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def send_once(*, key: str, user, template_prefix: str, context: dict) -> bool:
    """Send one email to user unless a notice with key was already sent; return whether it was sent.

    The key is recorded first; if sending fails it is removed again so a retry can send.
    """
    if not user.email or not user.is_active:
        return False
    try:
        with transaction.atomic():
            notice = SentNotice.objects.create(key=key[:200])
    except IntegrityError:
        return False
    try:
        _sender()(
            to_email=user.email,
            template_prefix=template_prefix,
            context={"recipient": user, "site_url": settings.SITE_URL, **context},
            language=user.language or settings.LANGUAGE_CODE,
            time_zone=user.time_zone,
        )
    except Exception:
        notice.delete()
        raise
    return True
