"""Activate each person's language and time zone: from their profile, else from the browser.

A visitor who is not signed in gets the time zone their browser reported in the
`cop_tz` cookie (set by static/js/portal.js); without it, times show in UTC.
"""

import zoneinfo

from django.conf import settings
from django.utils import timezone, translation


class UserPreferencesMiddleware:
    """Use the profile's language unless the visitor just chose another, and its time zone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
            language = chosen if chosen in dict(settings.LANGUAGES) else user.language
            if language:
                translation.activate(language)
                request.LANGUAGE_CODE = translation.get_language()
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            browser_zone = _zone(request.COOKIES.get(TIME_ZONE_COOKIE_NAME, ""))
            request.browser_time_zone = browser_zone
            if browser_zone is not None:
                timezone.activate(browser_zone)
            else:
                timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            # The zone is the thread's: left active, it dated the next thing this thread did (a task run
            # eagerly after the response, a test's own "today") in this person's zone.
            timezone.deactivate()


TIME_ZONE_COOKIE_NAME = "cop_tz"


def _zone(name: str) -> zoneinfo.ZoneInfo | None:
    """Return the IANA zone called name, or None for anything else (the cookie is the visitor's to forge)."""
    from .models import TIME_ZONE_NAMES

    if not name or len(name) > 64 or name not in TIME_ZONE_NAMES:
        return None
    return zoneinfo.ZoneInfo(name)
