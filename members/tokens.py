"""Signed unsubscribe tokens: a link in an email turns one stream off without signing in.

The token is signed with SECRET_KEY (django.core.signing) and names the person (or, for an
address without an account, the address) and the stream. Nobody can forge one for someone
else; a token changed by one character is refused. Tokens do not expire: an old email's link
must still work (RFC 8058 asks that the one-click address keeps working).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core import signing

SALT = "members.unsubscribe"

STREAM_DIGEST = "digest"
STREAM_REMINDERS = "reminders"
STREAM_UPDATES = "updates"
STREAM_ANNOUNCEMENTS = "announcements"
STREAMS = (STREAM_DIGEST, STREAM_REMINDERS, STREAM_UPDATES, STREAM_ANNOUNCEMENTS)


@dataclass(frozen=True)
class UnsubscribeToken:
    stream: str
    user_id: int | None = None
    email: str = ""


def make_unsubscribe_token(*, stream: str, user_id: int | None = None, email: str = "") -> str:
    """Return a URL-safe signed token that turns stream off for user_id (or for email, without an account)."""
    assert stream in STREAMS, stream
    payload: dict = {"s": stream}
    if user_id is not None:
        payload["u"] = user_id
    else:
        payload["e"] = email.lower()
    return signing.dumps(payload, salt=SALT, compress=True)


def read_unsubscribe_token(token: str) -> UnsubscribeToken | None:
    """Return what token says, or None when it is not one of ours (tampered, truncated, another salt)."""
    if not token or len(token) > 500:
        return None
    try:
        payload = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict) or payload.get("s") not in STREAMS:
        return None
    user_id = payload.get("u")
    if user_id is not None and not isinstance(user_id, int):
        return None
    email = payload.get("e", "")
    if user_id is None and not (isinstance(email, str) and email):
        return None
    return UnsubscribeToken(stream=payload["s"], user_id=user_id, email=email if user_id is None else "")
