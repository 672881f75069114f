"""Issue 14, item 5: out-of-range months, impossible ids, CR/LF in a feedback's page, SQLite under load.

Each of these answered 500: ?month=9999-12 and ?month=1-1 on the calendar; a series id beyond
2**63 and a huge attendance id on SQLite ("Python int too large to convert to SQLite INTEGER");
cancelling a reminder with a non-numeric id; an accessibility feedback whose page held CR/LF
(the mailer refused the subject and the feedback was lost); eleven simultaneous registrations
on SQLite ("database is locked"). Duplicating into year 9999 is in test_meeting_dates.py.
"""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone

from communities.models import Membership
from meetings.models import Registration, Reminder
from meetings.reminders import reminder_custom_add
from members.ids import MAX_ID, parse_id, parse_ids
from tests.factories import CommunityFactory, UserFactory, make_member
from tests.meetings.factories import MeetingFactory, RegistrationFactory

# Huge ids, the WAL settings and the calendar month behave differently on SQLite (the embedded
# default): CI runs this module on SQLite as well (`-m sqlite`).
pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]

HUGE = str(2**64)  # beyond every database integer
JUST_BEYOND = str(MAX_ID + 1)


@pytest.fixture
def cop(db):
    return CommunityFactory(slug="inputs-cop", name="Inputs CoP")


@pytest.fixture
def organiser(cop):
    return make_member(cop, UserFactory(full_name="Olga Organiser"), role=Membership.Role.COORDINATOR)


@pytest.fixture
def browser():
    return Client(raise_request_exception=False)


def url(name, community, **kwargs):
    return reverse(f"meetings:{name}", kwargs={"community_slug": community.slug, **kwargs})


# ---------------------------------------------------------------- the calendar month


@pytest.mark.parametrize(
    # (A NUL byte never reaches the view: cop_portal.hardening answers 400 first, see test_nul_bytes.py.)
    "month",
    ["9999-12", "1-1", "0-0", "2024-13", "2024-00", "garbage", "2024-1-1", "\x7f", "99999-1"],
)
def test_a_month_out_of_range_falls_back_to_this_month_with_a_message(browser, cop, organiser, month):
    browser.force_login(organiser)
    response = browser.get(url("calendar", cop), {"month": month})
    assert response.status_code == 200
    assert response.context["month"] == timezone.localdate().replace(day=1)
    assert "There is no calendar for that month" in response.content.decode()


def test_the_first_and_last_months_have_no_link_beyond_them(browser, cop, organiser):
    browser.force_login(organiser)
    first = browser.get(url("calendar", cop), {"month": "2000-01"})
    last = browser.get(url("calendar", cop), {"month": "2100-12"})
    assert first.status_code == last.status_code == 200
    assert first.context["previous"] is None and 'rel="prev"' not in first.content.decode()
    assert last.context["following"] is None and 'rel="next"' not in last.content.decode()


# ---------------------------------------------------------------- ids beyond the database's range


def test_ids_are_parsed_centrally():
    assert parse_id("42") == 42 and parse_id(7) == 7
    for bad in (None, "", "abc", "-1", "0", "4.2", "٣", JUST_BEYOND, HUGE, "1" * 400):
        assert parse_id(bad) is None, bad
    assert parse_ids(["1", HUGE, "x", "2"]) == [1, 2]


@pytest.mark.parametrize("number", [JUST_BEYOND, HUGE])
def test_a_huge_series_or_meeting_id_is_a_404(browser, cop, organiser, number):
    browser.force_login(organiser)
    for path in (f"/c/{cop.slug}/meetings/series/{number}/", f"/c/{cop.slug}/meetings/{number}/"):
        with pytest.raises(Resolver404):
            resolve(path)  # the id never reaches a query (SQLite cannot bind it)
        assert browser.get(path).status_code == 404


def test_attendance_with_a_huge_id_saves_the_others(browser, cop, organiser):
    start = timezone.now() - timedelta(hours=2)
    meeting = MeetingFactory(community=cop, start=start, end=start + timedelta(hours=1))
    came = RegistrationFactory(meeting=meeting)
    browser.force_login(organiser)
    response = browser.post(
        url("attendance", cop, meeting_pk=meeting.pk), {"action": "mark", "attended": [HUGE, str(came.pk), "x"]}
    )
    assert response.status_code == 302
    assert Registration.objects.get(pk=came.pk).attended


@pytest.mark.parametrize("reminder", ["abc", "", HUGE, "1; DROP", "-3"])
def test_cancelling_a_reminder_with_a_bad_id_is_a_404_and_changes_nothing(browser, cop, organiser, reminder):
    meeting = MeetingFactory(community=cop)
    kept = reminder_custom_add(meeting=meeting, by=organiser, offset_minutes=60)
    browser.force_login(organiser)
    page = reverse("notifications:meeting_reminders", kwargs={"community_slug": cop.slug, "meeting_pk": meeting.pk})
    response = browser.post(page, {"action": "cancel", "reminder": reminder})
    assert response.status_code == 404
    assert Reminder.objects.get(pk=kept.pk).status == Reminder.Status.PENDING


# ---------------------------------------------------------------- the accessibility feedback's page


def test_feedback_whose_page_holds_a_line_break_is_kept_and_mailed_on_one_line(
    browser, settings, django_capture_on_commit_callbacks
):
    settings.ACCESSIBILITY_FEEDBACK_EMAIL = "access@example.org"
    message = "The calendar cannot be read with a screen reader."
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(
            reverse("accessibility:statement"),
            {"message": message, "page": "/c/x/\r\nBcc: everyone@example.org\x1b", "name": "Ada\nLovelace"},
        )
    assert response.status_code == 302
    (email,) = mail.outbox
    assert "\n" not in email.subject and "\r" not in email.subject
    assert "/c/x/ Bcc: everyone@example.org" in email.subject
    assert email.bcc == [] and message in email.body


def test_the_feedback_task_keeps_a_subject_on_one_line_whatever_it_is_given(settings):
    from cop_portal.accessibility.tasks import accessibility_feedback_send

    settings.ACCESSIBILITY_FEEDBACK_EMAIL = "access@example.org"
    # Feedback queued before the form cleaned its page still goes out.
    feedback = {"message": "Text that matters.", "page": "/a\r\n/b", "name": "", "email": "", "language": "en"}
    assert accessibility_feedback_send(feedback, "key-1")
    assert "\n" not in mail.outbox[0].subject


# ---------------------------------------------------------------- SQLite: eleven writers at once


def test_the_embedded_sqlite_default_queues_writers_and_reads_in_wal(settings):
    from cop_portal.settings.base import SQLITE_OPTIONS

    assert SQLITE_OPTIONS["transaction_mode"] == "IMMEDIATE"
    assert SQLITE_OPTIONS["timeout"] >= 5
    assert "journal_mode=WAL" in SQLITE_OPTIONS["init_command"]
    if connection.vendor == "sqlite":
        assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
