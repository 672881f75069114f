"""Meetings in a real Chromium: scheduling a hybrid meeting, registering, the waitlist, and axe-core."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from communities.models import Membership
from meetings import services
from meetings.models import Meeting, Registration
from tests.browser import assert_no_axe_violations, force_login_cookie
from tests.factories import CommunityFactory, OrganizationFactory, UserFactory, make_member
from tests.meetings.factories import MeetingFactory

pytestmark = pytest.mark.browser

JOIN = "https://meet.example.org/rebuild-board"


@pytest.fixture
def community(transactional_db):
    return CommunityFactory(slug="rebuild-browser", name="REBUILD")


def _signed_in_page(browser, live_server, user):
    context = browser.new_context(locale="en-GB")
    context.set_default_timeout(20_000)
    force_login_cookie(context, live_server, user)
    return context, context.new_page()


def test_a_coordinator_schedules_a_hybrid_meeting_through_the_form(page, browser_context, live_server, community):
    coordinator = make_member(community, UserFactory(time_zone="Africa/Tripoli"), role=Membership.Role.COORDINATOR)
    OrganizationFactory(name="Municipality of Misrata", country="LY")
    force_login_cookie(browser_context, live_server, coordinator)
    page.goto(f"{live_server.url}/c/{community.slug}/meetings/")
    page.get_by_role("link", name="Schedule a meeting").click()
    page.select_option("#id_kind", "technical_board")
    page.fill("#id_title", "Technical board on the pilot projects")
    page.fill("#id_description", "Review of the two pilot projects.")
    page.get_by_label("Hybrid").check()
    page.fill("#id_start", "2031-01-14T10:00")
    page.fill("#id_end", "2031-01-14T12:00")
    page.select_option("#id_time_zone", "Europe/Rome")
    page.fill("#id_venue", "Town hall")
    page.fill("#id_city", "Misrata")
    page.select_option("#id_country", "LY")
    page.fill("#id_online_url", JOIN)
    page.get_by_label("Technical staff").check()
    page.fill("#id_themes", "pilot projects, basic services")
    page.fill("#id_capacity", "30")
    page.get_by_label("Members of the community only").check()
    page.get_by_role("button", name="Schedule").click()
    page.wait_for_load_state()

    meeting = Meeting.objects.get()
    assert page.url.endswith(meeting.get_absolute_url())
    assert meeting.format == Meeting.Format.HYBRID
    assert meeting.start == datetime(2031, 1, 14, 9, 0, tzinfo=UTC)
    assert page.get_by_role("heading", level=1).inner_text() == "Technical board on the pilot projects"
    # The coordinator lives in Tripoli: 11:00 there, with Rome's 10:00 beside it in January.
    when = page.locator(".meeting-when").inner_text()
    assert "11:00–13:00" in when and "10:00–12:00 in Rome" in when
    assert page.get_by_text("The meeting is scheduled.").is_visible()


def test_a_member_registers_sees_the_join_link_and_cancels(page, browser_context, live_server, community):
    meeting = MeetingFactory(community=community, title="Partnership meeting", online_url=JOIN)
    member = make_member(community)
    force_login_cookie(browser_context, live_server, member)
    page.goto(live_server.url + meeting.get_absolute_url())
    assert page.locator("a.join-link").count() == 0
    page.get_by_role("button", name="Register").click()
    page.wait_for_load_state()
    assert page.get_by_text("You are registered.", exact=True).is_visible()
    assert page.locator("a.join-link").get_attribute("href") == JOIN
    page.get_by_role("button", name="Cancel my registration").click()
    page.wait_for_load_state()
    assert page.get_by_text("Your registration is cancelled.").is_visible()
    assert page.locator("a.join-link").count() == 0
    assert Registration.objects.get(user=member).status == Registration.Status.CANCELLED


def test_a_waitlisted_member_is_promoted_when_a_seat_frees_up(page, browser_context, browser, live_server, community):
    meeting = MeetingFactory(community=community, title="Training of Trainers", capacity=1, online_url=JOIN)
    holder, waiting = make_member(community), make_member(community)
    force_login_cookie(browser_context, live_server, waiting)
    services.registration_create(meeting=meeting, user=holder)

    page.goto(live_server.url + meeting.get_absolute_url())
    assert page.get_by_text("The meeting is full.").is_visible()
    page.get_by_role("button", name="Join the waitlist").click()
    page.wait_for_load_state()
    assert page.get_by_text("You are on the waitlist (position 1).").is_visible()
    assert page.locator("a.join-link").count() == 0

    # The seat holder cancels in their own browser.
    context, holder_page = _signed_in_page(browser, live_server, holder)
    try:
        holder_page.goto(live_server.url + meeting.get_absolute_url())
        holder_page.get_by_role("button", name="Cancel my registration").click()
        holder_page.wait_for_load_state()
    finally:
        context.close()

    page.reload()
    assert page.get_by_text("You are registered.", exact=True).is_visible()
    assert page.locator("a.join-link").get_attribute("href") == JOIN
    assert Registration.objects.get(user=waiting).status == Registration.Status.REGISTERED


def test_the_meeting_pages_have_no_serious_accessibility_violations(page, browser_context, live_server, community):
    coordinator = make_member(community, role=Membership.Role.COORDINATOR)
    member = make_member(community)
    start = timezone.now() + timedelta(days=3)
    meeting = MeetingFactory(
        community=community,
        title="Steering Committee",
        format=Meeting.Format.HYBRID,
        city="Tripoli",
        country="LY",
        capacity=10,
        start=start,
        end=start + timedelta(hours=2),
    )
    meeting.themes.set(["local development"])
    services.agenda_item_add(meeting=meeting, by=coordinator, title="Welcome", starts_at=start)
    services.registration_create(meeting=meeting, user=member)
    MeetingFactory(
        community=community,
        title="Past webinar",
        start=start - timedelta(days=30),
        end=start - timedelta(days=30) + timedelta(hours=1),
    )
    base = f"{live_server.url}/c/{community.slug}/meetings/"
    for path in (base, base + "calendar/", live_server.url + meeting.get_absolute_url()):
        page.goto(path)
        assert_no_axe_violations(page)
    force_login_cookie(browser_context, live_server, coordinator)
    for path in (
        base,
        live_server.url + meeting.get_absolute_url(),
        base + "new/",
        base + f"{meeting.pk}/registrations/",
        base + f"{meeting.pk}/agenda/",
    ):
        page.goto(path)
        assert_no_axe_violations(page)
