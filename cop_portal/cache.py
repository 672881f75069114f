"""A Redis cache that fails safe: with Redis down, pages, sign-in and writes still work.

Every operation that meets a connection error or a timeout is answered by a per-process
LocMemCache instead, and Redis is left alone for a few seconds (so a page with several cache
reads pays the short connect timeout once, not each time). allauth's rate limits and the
portal's own (accessibility feedback) then still limit, per process at worst. Each outage is
logged, at most once a minute per process.
"""

from __future__ import annotations

import functools
import logging
import threading
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

FAULTS = (RedisConnectionError, RedisTimeoutError, OSError)
# After a fault, go to the fallback for this many seconds before trying Redis again.
PAUSE_SECONDS = 5.0
# Log an outage at most once in this many seconds (per process).
LOG_EVERY_SECONDS = 60.0

_OPERATIONS = (
    "add",
    "get",
    "set",
    "touch",
    "delete",
    "get_many",
    "has_key",
    "incr",
    "decr",
    "set_many",
    "delete_many",
    "clear",
    "get_or_set",
)


class FailSafeRedisCache(RedisCache):
    """Django's RedisCache that answers from a per-process LocMemCache while Redis is unreachable."""

    def __init__(self, server, params):
        super().__init__(server, params)
        # Django makes one cache object per thread; naming the memory store by the server shares
        # it between the threads of a process, so a rate limit counts every thread's attempts.
        self._fallback = LocMemCache(f"failsafe-{server}", {**params, "OPTIONS": {}})
        self._down_until = 0.0
        self._logged_at = 0.0
        self._lock = threading.Lock()

    @property
    def is_down(self) -> bool:
        """Return whether Redis failed in the last few seconds (the fallback answers meanwhile)."""
        return time.monotonic() < self._down_until

    def _fault(self, operation: str, error: BaseException) -> None:
        now = time.monotonic()
        with self._lock:
            self._down_until = now + PAUSE_SECONDS
            should_log = now - self._logged_at >= LOG_EVERY_SECONDS
            if should_log:
                self._logged_at = now
        if should_log:
            logger.error(
                "Cache: Redis is unreachable (%s on %s); using this process's memory meanwhile.",
                type(error).__name__,
                operation,
            )
        # A broken pooled connection is dropped, so the next try after the pause reconnects.
        self.__dict__.pop("_cache", None)


def _fail_safe(name: str):
    redis_method = getattr(RedisCache, name)

    @functools.wraps(redis_method)
    def method(self, *args, **kwargs):
        if not self.is_down:
            try:
                return redis_method(self, *args, **kwargs)
            except FAULTS as error:
                self._fault(name, error)
        return getattr(self._fallback, name)(*args, **kwargs)

    return method


for _name in _OPERATIONS:
    setattr(FailSafeRedisCache, _name, _fail_safe(_name))
