"""Generations: a random token in the cache that a change replaces.

A value stored with the tokens it was computed under is used only while they are still current,
so a change makes every such value stale at once without finding them (the visitors' copies of
public pages, the remembered unread counts, the remembered people).
"""

from __future__ import annotations

import secrets

from django.core.cache import cache
from django.db import transaction


def new_token() -> str:
    return secrets.token_hex(8)


def current(key: str) -> str | None:
    """Return the generation under key, starting one if there is none (None when the cache does not answer)."""
    cache.add(key, new_token(), None)
    return cache.get(key)


def renew(key: str) -> None:
    """Start a new generation under key: what was stored under the old one is not used again."""
    cache.set(key, new_token(), None)


def renew_now_and_on_commit(key: str) -> None:
    """Start a new generation now (this transaction's later reads) and again once it commits.

    The second one is what matters to others: a value computed by another request between the write
    and its commit, without the change, was stored under the first and is never used.
    """
    renew(key)
    transaction.on_commit(lambda: renew(key), robust=True)
