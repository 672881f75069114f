"""Personal API tokens: create (the key is returned once), revoke, and find the token a key opens."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import ApiToken

KEY_START = "cop_"
PREFIX_LENGTH = 8
MAX_TOKENS = 20


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    key: str  # shown to its person once, never stored


@transaction.atomic
def token_create(*, user, name: str, scope: str) -> NewToken:
    """Make a token for user; return it with its key (kept only as a hash: this is the one time it is known)."""
    name = " ".join((name or "").split())[:100]
    if scope not in ApiToken.Scope.values:
        scope = ApiToken.Scope.READ
    while True:
        prefix = secrets.token_hex(PREFIX_LENGTH // 2)
        if not ApiToken.objects.filter(prefix=prefix).exists():
            break
    key = f"{KEY_START}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(user=user, name=name, prefix=prefix, key_hash=_digest(key), scope=scope)
    return NewToken(token=token, key=key)


def token_revoke(*, token: ApiToken, by) -> ApiToken:
    """Revoke token (its next request answers 401); revoking twice changes nothing."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=token.revoked_at)
    return token


def token_for_key(key: str) -> ApiToken | None:
    """Return the usable token that key opens, with its person, or None (unknown, revoked, inactive person)."""
    if not key.startswith(KEY_START) or len(key) < len(KEY_START) + PREFIX_LENGTH + 2:
        return None
    prefix = key[len(KEY_START) : len(KEY_START) + PREFIX_LENGTH]
    token = ApiToken.objects.usable().select_related("user").filter(prefix=prefix).first()
    if token is None or not hmac.compare_digest(token.key_hash, _digest(key)):
        return None
    if not token.user.is_active:
        return None
    return token


def token_touch(token: ApiToken) -> None:
    """Record that token was used now: at most once a minute (API_TOKEN_TOUCH_SECONDS), not a write per request."""
    now = timezone.now()
    every = timedelta(seconds=getattr(settings, "API_TOKEN_TOUCH_SECONDS", 60))
    if token.last_used_at is not None and now - token.last_used_at < every:
        return
    token.last_used_at = now
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
