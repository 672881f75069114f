"""Issue 15: a visitor's cop_tz cookie is checked against the zone names read once, not on every request.

zoneinfo.available_timezones() walks the zone files on each call (about 8 ms here); the middleware
called it for every visitor whose browser had sent its time zone (static/js/portal.js sets the
cookie for every visitor with JavaScript), which the page benchmark, without that cookie, never saw.
"""

from __future__ import annotations

import zoneinfo

import pytest
from django.test import Client

from members import middleware
from tests.factories import CommunityFactory

pytestmark = pytest.mark.django_db


def test_the_cookie_is_checked_without_walking_the_zone_files(monkeypatch):
    community = CommunityFactory()
    calls = []
    real = zoneinfo.available_timezones
    monkeypatch.setattr(zoneinfo, "available_timezones", lambda: calls.append(1) or real())
    visitor = Client()
    visitor.cookies["cop_tz"] = "Asia/Tokyo"
    for _request in range(3):
        response = visitor.get(community.get_absolute_url())
        assert response.status_code == 200
    assert calls == []
    assert middleware._zone("Asia/Tokyo") == zoneinfo.ZoneInfo("Asia/Tokyo")
    assert middleware._zone("Not/AZone") is None and middleware._zone("") is None
    assert middleware._zone("../../etc/passwd") is None
