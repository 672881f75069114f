"""Issue 14, items 2 and 3: a meeting's dates, title and local times can never break calendars or pages.

Item 2: a meeting in year 9999 or year 1, or with a line break in its title, was accepted; its
.ics, the community feed, every member's personal feed and, for viewers in UTC+14, the list,
the meeting page and /me/ then answered 500. Item 3: 02:30-03:30 on the day the clocks go
forward in Europe/Rome hit the CHECK constraint (500).
"""

from datetime import UTC, date, datetime, time, timedelta

import icalendar
import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from communities.models import Membership
from meetings import services
from meetings.models import AgendaItem, Meeting
from meetings.recurrence import Frequency, SeriesRule
from tests.factories import CommunityFactory, UserFactory, make_member
from tests.meetings.factories import MeetingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cop(db):
    return CommunityFactory(slug="dates-cop", name="Dates CoP")


@pytest.fixture
def organiser(cop):
    return make_member(cop, UserFactory(full_name="Olga Organiser"), role=Membership.Role.COORDINATOR)


@pytest.fixture
def browser():
    # Answer like production: an exception is a 500 response, not an exception in the test.
    return Client(raise_request_exception=False)


def url(name, community, **kwargs):
    return reverse(f"meetings:{name}", kwargs={"community_slug": community.slug, **kwargs})


def meeting_post(**overrides):
    data = {
        "kind": "webinar",
        "title": "Technical board",
        "format": "online",
        "start": "2031-01-14T10:00",
        "end": "2031-01-14T12:00",
        "time_zone": "Europe/Rome",
        "registration_policy": "open",
        "visibility": "members",
    }
    data.update(overrides)
    return data


def series_post(**overrides):
    data = meeting_post(frequency="weekly", weekday="6", start_time="11:00", duration_minutes="60")
    for key in ("start", "end"):
        data.pop(key)
    data.update({"starts_on": "2026-03-01", "until": "2026-04-30", **overrides})
    return data


# ---------------------------------------------------------------- item 2: dates in range


@pytest.mark.parametrize(
    "overrides,field",
    [
        ({"start": "9999-12-31T22:00", "end": "9999-12-31T23:00"}, "start"),
        ({"start": "0001-01-01T00:30", "end": "0001-01-01T01:00"}, "start"),
        ({"end": "9999-01-14T12:00"}, "end"),
        ({"registration_deadline": "1000-01-01T10:00"}, "registration_deadline"),
    ],
)
def test_a_meeting_outside_the_years_2000_to_2100_is_refused_on_the_form(browser, cop, organiser, overrides, field):
    browser.force_login(organiser)
    response = browser.post(url("create", cop), meeting_post(**overrides))
    assert response.status_code == 200
    assert "between the years 2000 and 2100" in " ".join(response.context["form"].errors[field])
    assert not Meeting.objects.exists()


def test_the_services_refuse_an_out_of_range_meeting_too(cop, organiser):
    start = datetime(9999, 12, 31, 20, tzinfo=UTC)
    with pytest.raises(ValidationError) as caught:
        services.meeting_schedule(
            community=cop, by=organiser, kind="webinar", title="Far", start=start, end=start + timedelta(hours=1)
        )
    assert "start" in caught.value.message_dict
    assert not Meeting.objects.exists()


def test_duplicating_a_meeting_into_year_9999_is_a_form_error(browser, cop, organiser):
    meeting = MeetingFactory(community=cop)
    browser.force_login(organiser)
    response = browser.post(url("duplicate", cop, meeting_pk=meeting.pk), {"start": "9999-12-31T23:00"})
    assert response.status_code == 200
    assert "between the years 2000 and 2100" in " ".join(response.context["form"].errors["start"])
    assert Meeting.objects.count() == 1
    with pytest.raises(ValidationError):
        services.meeting_duplicate(meeting=meeting, by=organiser, start=datetime(9999, 12, 31, 23, tzinfo=UTC))
    assert Meeting.objects.count() == 1


def test_a_series_outside_the_years_is_refused(browser, cop, organiser):
    browser.force_login(organiser)
    response = browser.post(url("series_create", cop), series_post(starts_on="9999-01-01", until="9999-12-31"))
    assert response.status_code == 200
    assert "between the years 2000 and 2100" in " ".join(response.context["form"].errors["starts_on"])
    rule = SeriesRule(
        frequency=Frequency.WEEKLY,
        weekday=4,
        start_time=time(23, 0),
        duration_minutes=60,
        time_zone="Pacific/Kiritimati",
        starts_on=date(9999, 12, 1),
        until=date(9999, 12, 31),
    )
    with pytest.raises(ValidationError):
        services.series_create(community=cop, by=organiser, rule=rule, kind="webinar", title="Far")
    assert not Meeting.objects.exists()


# ---------------------------------------------------------------- item 2: control characters


@pytest.mark.parametrize(
    "field,value",
    [
        ("title", "Board\r\nBCC: everyone"),
        ("title", "Board\x07bell"),
        ("title", "Board \u202eevil"),
        ("venue", "Town\nhall"),
        ("city", "Mis\x85rata"),
    ],
)
def test_control_characters_in_one_line_fields_are_a_form_error(browser, cop, organiser, field, value):
    browser.force_login(organiser)
    response = browser.post(url("create", cop), meeting_post(**{field: value}))
    assert response.status_code == 200
    assert "on one line" in " ".join(response.context["form"].errors[field])
    assert not Meeting.objects.exists()


def test_the_services_refuse_a_title_with_a_line_break(cop, organiser):
    start = datetime(2031, 1, 14, 9, tzinfo=UTC)
    with pytest.raises(ValidationError) as caught:
        services.meeting_schedule(
            community=cop, by=organiser, kind="webinar", title="A\nB", start=start, end=start + timedelta(hours=1)
        )
    assert "title" in caught.value.message_dict


def test_agenda_items_refuse_control_characters_in_title_and_speaker(browser, cop, organiser):
    meeting = MeetingFactory(community=cop)
    browser.force_login(organiser)
    response = browser.post(url("agenda", cop, meeting_pk=meeting.pk), {"title": "Welcome\r\n", "speaker": "A\x1bB"})
    assert response.status_code in (200, 400)
    assert not AgendaItem.objects.exists()


# ---------------------------------------------------------------- item 2: the iCalendar writer


def _bad_rows(cop):
    """Rows written before the rules existed (or by the shell): a line break, year 9999, year 1."""
    broken = MeetingFactory(community=cop, title="Broken\r\ntitle\x1b", venue="Hall\n2", format="hybrid")
    far = MeetingFactory(
        community=cop, start=datetime(9999, 12, 31, 20, tzinfo=UTC), end=datetime(9999, 12, 31, 22, tzinfo=UTC)
    )
    early = MeetingFactory(
        community=cop, start=datetime(1, 1, 1, 0, 30, tzinfo=UTC), end=datetime(1, 1, 1, 1, 30, tzinfo=UTC)
    )
    good = MeetingFactory(community=cop, title="Good meeting")
    return broken, far, early, good


def _events(body: bytes) -> dict[str, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(body)
    return {str(event["uid"]): event for event in calendar.walk("VEVENT")}


def test_one_bad_meeting_never_breaks_the_community_feed(browser, cop):
    broken, far, early, good = _bad_rows(cop)
    response = browser.get(reverse("calendar_feeds:community", kwargs={"community_slug": cop.slug}))
    assert response.status_code == 200
    events = _events(response.content)
    assert good.uid in events
    assert str(events[broken.uid]["summary"]) == "Broken title"  # kept, on one line
    assert far.uid not in events and early.uid not in events  # left out (and logged)
    for line in response.content.split(b"\r\n"):
        assert len(line) <= 75 and b"\n" not in line and b"\x1b" not in line


def test_the_ics_of_a_bad_meeting_answers(browser, cop):
    broken, far, early, _good = _bad_rows(cop)
    for meeting in (broken, far, early):
        response = browser.get(url("ics", cop, meeting_pk=meeting.pk))
        assert response.status_code == 200, meeting.title
        icalendar.Calendar.from_ical(response.content)


def test_one_bad_meeting_never_breaks_a_personal_feed(browser, cop):
    from meetings.services import calendar_feed_token_create

    person = make_member(cop)
    broken, far, early, good = _bad_rows(cop)
    token = calendar_feed_token_create(user=person)
    response = browser.get(reverse("calendar_feeds:personal", kwargs={"token": token}))
    assert response.status_code == 200
    events = _events(response.content)
    assert {good.uid, broken.uid} <= set(events)


# ---------------------------------------------------------------- item 2: viewers in UTC+14


def test_a_viewer_in_utc_plus_14_sees_extreme_meetings_without_a_500(browser, cop):
    viewer = make_member(cop, UserFactory(time_zone="Pacific/Kiritimati"))
    _broken, far, early, _good = _bad_rows(cop)
    browser.force_login(viewer)
    pages = [
        url("list", cop),
        url("list", cop) + "?when=past",
        url("calendar", cop),
        url("detail", cop, meeting_pk=far.pk),
        url("detail", cop, meeting_pk=early.pk),
        "/me/",
    ]
    for page in pages:
        assert browser.get(page).status_code == 200, page


# ---------------------------------------------------------------- item 3: the clocks change


def test_a_meeting_in_the_hour_skipped_in_spring_is_a_clear_form_error(browser, cop, organiser):
    browser.force_login(organiser)
    response = browser.post(url("create", cop), meeting_post(start="2026-03-29T02:30", end="2026-03-29T03:30"))
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["start"])
    assert "clocks go forward in Europe/Rome" in errors
    assert "from 02:00 to 02:59 do not exist" in errors
    assert not Meeting.objects.exists()


def test_the_services_refuse_a_skipped_time_rather_than_hit_the_constraint(cop, organiser):
    import zoneinfo

    rome = zoneinfo.ZoneInfo("Europe/Rome")
    with pytest.raises(ValidationError) as caught:
        services.meeting_schedule(
            community=cop,
            by=organiser,
            kind="webinar",
            title="Gap",
            start=datetime(2026, 3, 29, 2, 30, tzinfo=rome),
            end=datetime(2026, 3, 29, 3, 30, tzinfo=rome),
        )
    assert "start" in caught.value.message_dict
    assert not Meeting.objects.exists()


def test_a_time_repeated_in_autumn_is_its_first_occurrence(browser, cop, organiser):
    browser.force_login(organiser)
    response = browser.post(url("create", cop), meeting_post(start="2026-10-25T02:30", end="2026-10-25T03:30"))
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    # 02:30 summer time (UTC+2) is 00:30 UTC; 03:30 winter time (UTC+1) is 02:30 UTC: two real hours.
    assert meeting.start == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert meeting.end == datetime(2026, 10, 25, 2, 30, tzinfo=UTC)


def test_an_end_equal_to_the_start_across_the_autumn_change_is_a_form_error(browser, cop, organiser):
    browser.force_login(organiser)
    # 02:00 (first, UTC+2) to 01:00... the end before the start in real time is refused, never a 500.
    response = browser.post(url("create", cop), meeting_post(start="2026-10-25T02:59", end="2026-10-25T02:00"))
    assert response.status_code == 200
    assert "end" in response.context["form"].errors
    assert not Meeting.objects.exists()


def test_duplicating_into_the_skipped_hour_is_a_form_error(browser, cop, organiser):
    meeting = MeetingFactory(community=cop)
    browser.force_login(organiser)
    response = browser.post(url("duplicate", cop, meeting_pk=meeting.pk), {"start": "2026-03-29T02:30"})
    assert response.status_code == 200
    assert "clocks go forward" in " ".join(response.context["form"].errors["start"])
    assert Meeting.objects.count() == 1


def test_a_series_meeting_in_the_skipped_hour_is_a_clear_form_error(browser, cop, organiser):
    browser.force_login(organiser)
    # Every Sunday at 02:30 from March to April: 29 March 2026 has no 02:30 in Rome.
    response = browser.post(url("series_create", cop), series_post(start_time="02:30"))
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["start_time"])
    assert "clocks go forward in Europe/Rome" in errors and "from 02:00 to 02:59" in errors
    assert not Meeting.objects.exists()


def test_a_series_across_the_clock_change_keeps_its_local_time_and_real_duration(browser, cop, organiser):
    browser.force_login(organiser)
    response = browser.post(url("series_create", cop), series_post(start_time="01:30", duration_minutes="90"))
    assert response.status_code == 302, response.context["form"].errors
    meetings = list(Meeting.objects.order_by("start"))
    assert {m.local_start.strftime("%H:%M") for m in meetings} == {"01:30"}
    assert {m.end - m.start for m in meetings} == {timedelta(minutes=90)}
