"""Times across zones: the viewer's clock first, the meeting's own beside it when the two differ."""

from datetime import UTC, datetime

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import timezone, translation

from meetings import timefmt
from tests.factories import UserFactory
from tests.meetings.factories import MeetingFactory

# 10:00 in Rome on 14 January (CET, UTC+1) and on 15 July (CEST, UTC+2).
JANUARY = datetime(2031, 1, 14, 9, 0, tzinfo=UTC)
JULY = datetime(2031, 7, 15, 8, 0, tzinfo=UTC)


def _render(meeting, user):
    request = RequestFactory().get("/")
    request.user = user
    with translation.override("en"), timezone.override(user.time_zone if user.is_authenticated else None):
        return Template("{% load meeting_tags %}{% meeting_when meeting %}").render(
            Context({"meeting": meeting, "request": request})
        )


@pytest.mark.django_db
def test_ten_in_rome_is_eleven_in_tripoli_in_january_and_the_rome_time_is_shown_beside_it(community):
    meeting = MeetingFactory(community=community, start=JANUARY, end=JANUARY.replace(hour=10), time_zone="Europe/Rome")
    html = _render(meeting, UserFactory(time_zone="Africa/Tripoli"))
    assert "11:00–12:00" in html
    assert "(Tripoli)" in html
    assert "10:00–11:00 in Rome" in html


@pytest.mark.django_db
def test_ten_in_rome_is_ten_in_tripoli_in_july_so_only_one_time_is_shown(community):
    meeting = MeetingFactory(community=community, start=JULY, end=JULY.replace(hour=9), time_zone="Europe/Rome")
    html = _render(meeting, UserFactory(time_zone="Africa/Tripoli"))
    assert "10:00–11:00" in html
    assert "(Tripoli)" in html
    assert "in Rome" not in html


@pytest.mark.django_db
def test_a_viewer_in_the_meetings_zone_sees_one_time(community):
    meeting = MeetingFactory(community=community, start=JANUARY, end=JANUARY.replace(hour=10), time_zone="Europe/Rome")
    html = _render(meeting, UserFactory(time_zone="Europe/Rome"))
    assert "10:00–11:00" in html and "in Rome" not in html


@pytest.mark.django_db
def test_anonymous_visitors_see_the_meetings_own_zone(community):
    from django.contrib.auth.models import AnonymousUser

    meeting = MeetingFactory(community=community, start=JANUARY, end=JANUARY.replace(hour=10), time_zone="Europe/Rome")
    html = _render(meeting, AnonymousUser())
    assert "10:00–11:00" in html and "(Rome)" in html


def test_the_machine_readable_time_is_utc_iso():
    value = timefmt.when(JANUARY, JANUARY.replace(hour=10), "Europe/Rome", "Africa/Tripoli")
    assert value.iso_start == "2031-01-14T09:00:00+00:00"
    assert value.differs
    assert timefmt.when_html(value).startswith('<time datetime="2031-01-14T09:00:00+00:00">')


def test_the_date_follows_the_viewer_across_midnight():
    # 23:30 in Rome is 22:30 UTC; in Tokyo it is 07:30 the next morning.
    start = datetime(2031, 1, 14, 22, 30, tzinfo=UTC)
    with translation.override("en"):
        value = timefmt.when(start, start.replace(hour=23), "Europe/Rome", "Asia/Tokyo")
    assert "Wednesday 15 January 2031" in value.viewer_text  # day before month, never 01/15/2031
    assert "Tuesday" in value.meeting_text  # the meeting's own day is named when it differs


def test_text_form_for_emails():
    with translation.override("en"):
        text = timefmt.when(JANUARY, JANUARY.replace(hour=10), "Europe/Rome", "Africa/Tripoli").as_text()
    assert "11:00–12:00 (Tripoli) [10:00–11:00 in Rome]" in text


def test_agenda_times_follow_the_same_rule():
    value = timefmt.time_only(JANUARY, "Europe/Rome", "Africa/Tripoli")
    assert (value.viewer_text, value.meeting_text) == ("11:00", "10:00")
    value = timefmt.time_only(JULY, "Europe/Rome", "Africa/Tripoli")
    assert (value.viewer_text, value.meeting_text) == ("10:00", "")


def test_each_day_is_written_once_per_language_and_the_same_as_django_writes_it():
    """Issue 15: a list's cards share a few days; each is written once per language, as date_format writes it."""
    from django.utils import formats

    timefmt._day_in.cache_clear()
    for language in ("en", "it", "ar"):
        with translation.override(language):
            for value in (JANUARY, JULY, JULY.replace(hour=23, minute=5)):
                expected = translation.gettext("%(weekday)s %(date)s") % {
                    "weekday": formats.date_format(value, "l"),
                    "date": formats.date_format(value, "DATE_FORMAT"),
                }
                assert timefmt._day(value) == expected
                assert timefmt._clock(value) == formats.date_format(value, "H:i")
    assert timefmt._day_in.cache_info().misses == 6  # two days, three languages
    assert timefmt._day_in.cache_info().hits == 3
    with translation.override("it"):
        assert "luglio" in timefmt._day(JULY)


@pytest.mark.django_db
def test_a_request_leaves_the_threads_time_zone_as_it_found_it(client):
    """The person's zone is for their request only: afterwards the thread is back in the deployment's zone.

    Left active, it dated what the thread did next in that person's zone: late in the UTC day a test's
    "today" was already tomorrow in Rome, and a partnership ended "today" in the admin was not yet ended.
    """
    person = UserFactory(time_zone="Pacific/Kiritimati")  # UTC+14: another day than UTC for 14 hours of 24
    client.force_login(person)
    timezone.deactivate()
    assert client.get("/me/").status_code == 200
    assert timezone.get_current_timezone_name() == timezone.get_default_timezone_name()
