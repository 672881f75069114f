"""The notification pages in Chromium, without JavaScript where it matters, checked with axe-core."""

from datetime import timedelta

import pytest
from django.utils import timezone

from communities.models import Membership
from meetings.models import Meeting
from members.models import EmailLedger, NotificationPreference
from members.notifications import preference_for
from members.tokens import make_unsubscribe_token
from tests.browser import assert_no_axe_violations, force_login_cookie
from tests.factories import CommunityFactory, GroupFactory, UserFactory, make_member
from tests.meetings.factories import MeetingFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def setting(transactional_db):
    community = CommunityFactory(name="Capitale naturale")
    group = GroupFactory(community=community, name="Nature-based solutions")
    person = make_member(community, UserFactory(full_name="Giulia Verdi"))
    make_member(community, person, group=group)
    coordinator = make_member(community, UserFactory(full_name="Carla Coordinatrice"), role=Membership.Role.COORDINATOR)
    EmailLedger.objects.create(
        key="reminder:1:1",
        kind="reminder",
        user=person,
        to_email=person.email,
        subject="Reminder: Plenary",
        status=EmailLedger.Status.SENT,
        sent_at=timezone.now(),
        community_id=community.pk,
    )
    EmailLedger.objects.create(
        key="reminder:1:2",
        kind="reminder",
        to_email="gone@example.org",
        subject="Reminder: Plenary",
        status=EmailLedger.Status.FAILED,
        attempts=6,
        last_error="550 mailbox unknown",
        community_id=community.pk,
    )
    return community, group, person, coordinator


def test_a_person_sets_their_notifications_without_javascript(browser, live_server, setting):
    community, group, person, _coordinator = setting
    context = browser.new_context(java_script_enabled=False, locale="en-GB")
    force_login_cookie(context, live_server, person)
    page = context.new_page()
    page.goto(f"{live_server.url}/me/notifications/")
    assert page.get_by_role("heading", name="Notifications").is_visible()
    assert page.get_by_text("Reminder: Plenary").is_visible()

    page.get_by_label("1 hour before").uncheck()
    page.get_by_label("2 days before").check()
    page.get_by_label("Daily, in the morning").check()
    page.get_by_label("Nature-based solutions (Capitale naturale)").check()
    page.get_by_role("button", name="Save").click()

    assert page.get_by_text("Your notification settings are saved.").is_visible()
    preference = preference_for(person)
    assert preference.reminder_offsets == [2880, 1440]
    assert preference.digest_frequency == NotificationPreference.DigestFrequency.DAILY
    assert preference.muted_groups == [group.pk]
    context.close()


def test_the_notification_pages_pass_axe(page, browser_context, live_server, setting):
    community, _group, person, coordinator = setting
    force_login_cookie(browser_context, live_server, person)
    page.goto(f"{live_server.url}/me/notifications/")
    assert_no_axe_violations(page)

    page.goto(f"{live_server.url}/unsubscribe/{make_unsubscribe_token(stream='digest', user_id=person.pk)}/")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Unsubscribe").click()
    assert page.get_by_text("You will not receive the digest any more.").is_visible()
    assert_no_axe_violations(page)

    browser_context.clear_cookies()
    force_login_cookie(browser_context, live_server, coordinator)
    page.goto(f"{live_server.url}/c/{community.slug}/manage/deliveries/")
    assert page.get_by_text("550 mailbox unknown").is_visible()
    assert_no_axe_violations(page)

    start = (timezone.now() + timedelta(days=8)).replace(microsecond=0)
    meeting = MeetingFactory(community=community, start=start, end=start + timedelta(hours=1), created_by=coordinator)
    page.goto(f"{live_server.url}/c/{community.slug}/meetings/{meeting.pk}/reminders/")
    page.get_by_label("When").select_option(label="3 days before")
    page.get_by_label("Message to the people registered (optional)").fill("Bring the draft plan.")
    page.get_by_role("button", name="Add the reminder").click()
    assert page.get_by_text("Bring the draft plan.").is_visible()
    assert meeting.reminders.get().status == "pending"
    assert_no_axe_violations(page)
    assert Meeting.objects.filter(pk=meeting.pk).exists()
