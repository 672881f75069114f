"""Send knowledge notifications once each, in the recipient's language and time zone.

Sending goes through members.notifications.send_templated_email: the email ledger claims
the key (a retried or duplicated task sends nothing twice), the message has a text and an
HTML part, a link to the notification settings and a one-click unsubscribe.
"""

from __future__ import annotations

from django.conf import settings

from members.notifications import send_templated_email


def send_once(*, key: str, user, template_prefix: str, context: dict) -> bool:
    """Send one email to user unless the ledger shows key was already sent; return whether it was sent now."""
    if not user.email or not user.is_active:
        return False
    item = context.get("item")
    return send_templated_email(
        to_email=user.email,
        user=user,
        template_prefix=template_prefix,
        context={"recipient": user, **context},
        language=user.language or settings.LANGUAGE_CODE,
        time_zone=user.time_zone,
        once_key=key,
        kind=template_prefix.rsplit("/", 1)[-1],
        community_id=getattr(item, "community_id", None),
    )
