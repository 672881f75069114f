"""The personal calendar feed: its secret token, created, revoked and resolved."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from members.models import User

from ..models import CalendarFeedToken, hash_feed_token


@transaction.atomic
def calendar_feed_token_create(*, user: User) -> str:
    """Give user a new secret feed address, revoking the previous one; return the token (only shown now)."""
    CalendarFeedToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token = secrets.token_urlsafe(32)
    CalendarFeedToken.objects.create(user=user, token_hash=hash_feed_token(token))
    return token


def calendar_feed_token_revoke(*, user: User) -> int:
    """Turn off user's personal feed; the old address answers 404 from now on."""
    return CalendarFeedToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())


def calendar_feed_user(*, token: str) -> User | None:
    """Return the active person whose feed token this is, or None for an unknown or revoked token."""
    if not token or len(token) > 100:
        return None
    feed = (
        CalendarFeedToken.objects.select_related("user")
        .filter(token_hash=hash_feed_token(token), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if feed is None:
        return None
    now = timezone.now()
    if feed.last_used_at is None or now - feed.last_used_at > timedelta(hours=1):
        CalendarFeedToken.objects.filter(pk=feed.pk).update(last_used_at=now)
    return feed.user
