"""Visitors who are not signed in see meeting times in the zone their browser reports."""

import zoneinfo
from datetime import UTC, datetime

import pytest

from tests.factories import CommunityFactory
from tests.meetings.factories import MeetingFactory

# 10:00 in Rome on 14 January 2031 (CET): 11:00 in Tripoli.
JANUARY = datetime(2031, 1, 14, 9, 0, tzinfo=UTC)


@pytest.fixture
def meeting(db):
    community = CommunityFactory(slug="tz-cop")
    return MeetingFactory(community=community, start=JANUARY, end=JANUARY.replace(hour=10), time_zone="Europe/Rome")


def _page(client, meeting):
    return client.get(f"/c/tz-cop/meetings/{meeting.pk}/").content.decode()


def test_a_visitor_sees_the_time_in_their_browsers_zone_with_the_meetings_beside_it(client, meeting):
    client.cookies["cop_tz"] = "Africa/Tripoli"
    html = _page(client, meeting)
    assert "11:00–12:00" in html and "10:00–11:00" in html and "Rome" in html


def test_without_a_browser_zone_a_visitor_sees_the_meetings_own_zone(client, meeting):
    html = _page(client, meeting)
    assert "10:00–11:00" in html and "11:00–12:00" not in html


@pytest.mark.parametrize("forged", ["Mars/Olympus", "../../etc/passwd", "x" * 200, "UTC; Path=/"])
def test_a_forged_zone_cookie_is_ignored(client, meeting, forged):
    client.cookies["cop_tz"] = forged
    response = client.get(f"/c/tz-cop/meetings/{meeting.pk}/")
    assert response.status_code == 200
    assert "10:00–11:00" in response.content.decode()


@pytest.mark.browser
def test_the_script_reports_the_browsers_zone(live_server, browser, transactional_db):
    """portal.js writes the cookie the middleware reads (the zone comes from the browser itself)."""
    context = browser.new_context(timezone_id="Africa/Tripoli")
    tab = context.new_page()
    tab.goto(live_server.url + "/")
    cookies = {cookie["name"]: cookie["value"] for cookie in context.cookies()}
    context.close()
    assert cookies.get("cop_tz") == "Africa/Tripoli"
    assert zoneinfo.ZoneInfo(cookies["cop_tz"])
