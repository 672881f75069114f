"""Mailing accessibility feedback to whoever reads it; a task enqueued on commit by the statement's form."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation

from members.notifications import absolute_url
from members.text import one_line

SENT_MARK_SECONDS = 7 * 24 * 3600


def feedback_recipients() -> list[str]:
    """Return who reads accessibility feedback: the configured address, else the admins, else the superusers."""
    configured = getattr(settings, "ACCESSIBILITY_FEEDBACK_EMAIL", "")
    if configured:
        return [configured] if isinstance(configured, str) else list(configured)
    admins = [email for _name, email in getattr(settings, "ADMINS", [])]
    if admins:
        return admins
    from communities import permissions

    superusers = permissions.portal_admins().exclude(email="").order_by("pk")
    return list(superusers.values_list("email", flat=True))


@shared_task(name="cop_portal.accessibility_feedback_send", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def accessibility_feedback_send(feedback: dict, key: str) -> bool:
    """Mail one piece of feedback to the admins; a second run with the same key sends nothing."""
    mark = f"a11y-feedback-sent:{key}"
    if cache.get(mark):
        return False
    recipients = feedback_recipients()
    if not recipients:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        context = {**feedback, "site_url": absolute_url("")}
        # One line whatever the feedback holds (a line break in a subject is refused by the mailer).
        subject = one_line(render_to_string("accessibility/emails/feedback.subject.txt", context))
        body = render_to_string("accessibility/emails/feedback.txt", context)
    email = EmailMessage(
        subject=getattr(settings, "ACCOUNT_EMAIL_SUBJECT_PREFIX", "") + subject,
        body=body,
        to=recipients,
        reply_to=[feedback["email"]] if feedback.get("email") else None,
    )
    email.send()
    cache.set(mark, True, SENT_MARK_SECONDS)
    return True
