"""Rate limits of the API: per token, per signed-in person (session), per address for anonymous requests.

The counts live in the shared cache (Redis in production), so every web process counts the same
requests; a client over its rate gets 429 with Retry-After (the end of the current window: the
windows are fixed, as GitHub's hourly API limit, so a client may send up to twice its rate across
the turn of a window, never more). The rates come from API_THROTTLE_RATES,
read on every request (so tests and deployments can change them).
"""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from .models import ApiToken

DEFAULT_RATES = {"token": "1000/hour", "user": "1000/hour", "anon": "100/hour"}


class ApiRateThrottle(SimpleRateThrottle):
    scope = "api"

    def __init__(self):  # the rate depends on the request: chosen in allow_request
        self.rate = None

    def _kind_and_ident(self, request) -> tuple[str, str]:
        if isinstance(request.auth, ApiToken):
            return "token", str(request.auth.pk)
        if request.user and request.user.is_authenticated:
            return "user", str(request.user.pk)
        return "anon", self.get_ident(request)

    def allow_request(self, request, view):
        kind, ident = self._kind_and_ident(request)
        rates = {**DEFAULT_RATES, **getattr(settings, "API_THROTTLE_RATES", {})}
        self.rate = rates.get(kind)
        if self.rate is None:
            return True
        self.num_requests, self.duration = self.parse_rate(self.rate)
        # A fixed window counted by one atomic INCR in Redis: concurrent requests on any number of
        # web processes each get their own number, so no more than the rate pass. (DRF's sliding
        # list was read, trimmed and written back: two processes could both pass on the same count.)
        now = self.timer()
        window = int(now // self.duration)
        key = self.cache_format % {"scope": f"api-{kind}", "ident": f"{ident}_{window}"}
        self.cache.add(key, 0, timeout=self.duration + 1)
        try:
            count = self.cache.incr(key)
        except ValueError:  # expired between add and incr
            self.cache.add(key, 0, timeout=self.duration + 1)
            count = self.cache.incr(key)
        self._wait = (window + 1) * self.duration - now
        return count <= self.num_requests

    def wait(self):
        """Seconds until the window ends and the count starts again (Retry-After)."""
        return max(1.0, self._wait)

    def get_cache_key(self, request, view):  # allow_request builds the key itself
        return None
