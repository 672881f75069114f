"""The addresses of discussion email: a person's signed Reply-To for a thread, a space's incoming address.

A reply address is reply+<token>@REPLY_DOMAIN, the token signed with Django's signing (its own
salt) over the person and the thread: no database row, no expiry, and rotating SECRET_KEY
revokes every address (an old one then reads as forged). Its signature is lower-case hex, so a
mail server that lower-cases the local part does not break it.

An incoming address opens a thread in a space: <community-slug>@REPLY_DOMAIN for a community,
<community-slug>.<group-slug>@REPLY_DOMAIN for one of its groups (slugs hold no dot or plus).
"""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import parseaddr

from django.conf import settings
from django.core import signing
from django.utils.crypto import salted_hmac

REPLY_PREFIX = "reply+"
_SALT = "discussions.mail.reply-to"


class _HexSigner(signing.Signer):
    """Django's Signer (salt, SECRET_KEY_FALLBACKS, constant-time check) with a case-proof hex signature."""

    def signature(self, value, key=None):
        key = key or self.key
        return salted_hmac(self.salt + "signer", value, key, algorithm=self.algorithm).hexdigest()[:40]


def _signer() -> _HexSigner:
    return _HexSigner(salt=_SALT, sep=".", algorithm="sha256")


def reply_domain() -> str:
    return settings.REPLY_DOMAIN.lower()


def reply_token(*, user_id: int, thread_id: int) -> str:
    """Return the signed token naming a person and a thread."""
    return _signer().sign(f"{int(user_id)}-{int(thread_id)}")


def reply_address(*, user_id: int, thread_id: int) -> str:
    return f"{REPLY_PREFIX}{reply_token(user_id=user_id, thread_id=thread_id)}@{reply_domain()}"


def read_token(token: str) -> tuple[int, int] | None:
    """Return (user id, thread id) of a genuine token; None when it is forged, damaged or signed with an old secret."""
    try:
        value = _signer().unsign(token.strip().lower())
        user_id, thread_id = value.split("-")
        return int(user_id), int(thread_id)
    except (signing.BadSignature, ValueError):
        return None


def incoming_address(*, community, group=None) -> str:
    """Return the address members write to for a new thread in the community or the group."""
    local = community.slug if group is None else f"{community.slug}.{group.slug}"
    return f"{local}@{reply_domain()}"


@dataclass(frozen=True)
class Target:
    """What an address of ours names: a reply token, or a space (community slug, group slug or "")."""

    address: str
    token: str = ""
    community_slug: str = ""
    group_slug: str = ""


def split_address(value: str) -> tuple[str, str]:
    """Return (local part, domain lower-cased) of an address such as "Name <a@b>"; ("", "") when it is none."""
    address = parseaddr(value or "")[1].strip()
    local, at, domain = address.rpartition("@")
    if not at or not local:
        return "", ""
    return local, domain.lower()


def is_ours(address: str) -> bool:
    """Return whether address is at REPLY_DOMAIN (what the SMTP server accepts at RCPT)."""
    return split_address(address)[1] == reply_domain()


def read_target(address: str) -> Target | None:
    """Return what an address at REPLY_DOMAIN names, or None when it is not ours or names nothing."""
    local, domain = split_address(address)
    if domain != reply_domain():
        return None
    if local.lower().startswith(REPLY_PREFIX):
        return Target(address=address, token=local[len(REPLY_PREFIX) :])
    community_slug, _dot, group_slug = local.lower().partition(".")
    if not community_slug or "+" in local:
        return None
    return Target(address=address, community_slug=community_slug, group_slug=group_slug)


def message_id_of(*, post=None, thread=None) -> str:
    """Return the Message-ID our emails give a post (the opening post's is the thread's), for threading."""
    domain = reply_domain()
    if post is not None and not post.is_opening:
        return f"<discussion-post-{post.pk}@{domain}>"
    thread_id = thread.pk if thread is not None else post.thread_id
    return f"<discussion-thread-{thread_id}@{domain}>"
