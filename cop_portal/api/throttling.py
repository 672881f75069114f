"""Rate limits of the API: per token, per signed-in person (session), per address for anonymous requests.

The counts live in the shared cache (Redis in production), so every web process counts the same
requests; a client over its rate gets 429 with Retry-After. The rates come from API_THROTTLE_RATES,
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
        self.key = self.cache_format % {"scope": f"api-{kind}", "ident": ident}
        self.history = self.cache.get(self.key, [])
        self.now = self.timer()
        while self.history and self.history[-1] <= self.now - self.duration:
            self.history.pop()
        if len(self.history) >= self.num_requests:
            return self.throttle_failure()
        return self.throttle_success()

    def get_cache_key(self, request, view):  # allow_request builds the key itself
        return None
