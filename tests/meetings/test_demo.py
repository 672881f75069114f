"""The demo meetings: real examples from the source texts, created once however often the seed runs."""

from datetime import date

import pytest
from django.utils import timezone

from meetings.demo import CON_I_BAMBINI_PATTI, CON_I_BAMBINI_THEME_1, CON_I_BAMBINI_THEME_2, seed_meetings
from meetings.models import Meeting, MeetingSeries, Registration


@pytest.fixture
def demo(demo_data):
    # seed_demo seeds the meetings too; the count of meetings it made stands in for seed_meetings()'s report.
    return {"meetings": Meeting.objects.count()}


def test_seeding_twice_creates_nothing_more(demo):
    count = Meeting.objects.count()
    assert demo["meetings"] > 50
    assert seed_meetings() == {"meetings": 0, "series": 0}
    assert Meeting.objects.count() == count


def test_con_i_bambini_held_35_online_meetings_by_the_end_of_2021(demo):
    meetings = Meeting.objects.filter(community__slug="con-i-bambini")
    assert meetings.count() == 35
    assert {m.format for m in meetings} == {Meeting.Format.ONLINE}
    assert all(m.local_start.date() <= date(2021, 12, 31) for m in meetings)
    assert min(m.local_start.date() for m in meetings) >= date(2020, 11, 1)
    assert {m.status for m in meetings} == {Meeting.Status.HELD}
    by_theme = {
        theme: meetings.filter(themes__name=theme).count()
        for theme in (CON_I_BAMBINI_THEME_1, CON_I_BAMBINI_THEME_2, CON_I_BAMBINI_PATTI)
    }
    # 16 groups on the first theme; 13 (all but the 3 multi-regional ones) on the second; 6 on the patti.
    assert by_theme == {CON_I_BAMBINI_THEME_1: 16, CON_I_BAMBINI_THEME_2: 13, CON_I_BAMBINI_PATTI: 6}
    assert meetings.exclude(group=None).values("group").distinct().count() == 16
    multi = meetings.filter(group__slug__endswith="-multi")
    assert multi.count() == 3 and not multi.filter(themes__name=CON_I_BAMBINI_THEME_2).exists()
    patti = meetings.filter(themes__name=CON_I_BAMBINI_PATTI)
    assert all(m.local_start.date() >= date(2021, 9, 1) for m in patti)


def test_rebuild_has_its_governance_meetings_summer_school_and_monthly_series(demo):
    rebuild = Meeting.objects.filter(community__slug="rebuild")
    kinds = set(rebuild.values_list("kind", flat=True))
    assert {"steering_committee", "technical_board", "training_of_trainers", "summer_school"} <= kinds
    school = rebuild.exclude(registration_policy="applications").get(kind="summer_school")  # the one held in 2022
    assert school.city == "Trento" and school.host_organization.name == "Università degli Studi di Trento"
    series = MeetingSeries.objects.get(community__slug="rebuild")
    occurrences = list(series.meetings.order_by("start"))
    assert len(occurrences) >= 6
    assert {m.local_start.hour for m in occurrences} == {11} and {m.local_start.weekday() for m in occurrences} == {1}
    assert all(m.local_start.day <= 7 for m in occurrences)
    assert rebuild.upcoming().exclude(series=series).exists()


def test_capitale_naturale_alternates_plenaries_and_webinars(demo):
    kinds = list(
        Meeting.objects.filter(community__slug="capitale-naturale", group__slug="edizione-2019")
        .order_by("start")
        .values_list("kind", flat=True)
    )
    assert kinds == ["plenary", "webinar", "plenary", "webinar"]


def test_multiply_exchanges_are_hosted_by_cities_and_the_conference_was_in_2020(demo):
    exchanges = Meeting.objects.filter(community__slug="multiply", kind="peer_exchange")
    assert exchanges.count() >= 5
    assert all(m.host_organization and m.host_organization.kind == "municipality" for m in exchanges)
    conference = Meeting.objects.get(community__slug="multiply", kind="conference")
    assert conference.title == "Great European Conference" and conference.local_start.year == 2020
    audiences = {a for m in Meeting.objects.filter(community__slug="multiply") for a in m.audience}
    assert {"policy_makers", "technical_staff", "communication_staff"} <= audiences


def test_past_demo_meetings_are_closed_with_attendance_and_upcoming_ones_take_registrations(demo):
    now = timezone.now()
    assert not Meeting.objects.filter(uid__startswith="demo-", end__lt=now, status="scheduled").exists()
    assert Registration.objects.filter(attended=True).count() > 10
    upcoming = Meeting.objects.filter(end__gte=now)
    assert upcoming.filter(registration_policy="open").exists()
    assert upcoming.filter(format="hybrid").exists()


def test_the_great_european_conference_is_hybrid_with_250_seats_and_a_registration_form(demo):
    from meetings.models import Answer, Question
    from meetings.services import splits_seats

    conference = Meeting.objects.get(community__slug="multiply", kind="conference")
    assert conference.format == "hybrid" and conference.local_start.year == 2020
    assert conference.capacity + conference.online_capacity == 250 and splits_seats(conference)
    questions = list(Question.objects.filter(meeting=conference, enabled=True))
    assert {q.builtin for q in questions} >= {"attendance_mode", "interpretation", "dietary", "consent_list"}
    kinds = {q.kind for q in questions}
    assert {"choice", "multiple_choice", "yes_no", "number", "long_text"} <= kinds
    city = next(q for q in questions if q.label == "Your city in MULTIPLY")
    assert city.translations["it"]["label"] == "La tua città in MULTIPLY"
    assert {c["label"] for c in city.choices} >= {"Multiply City", "On the Road City", "Special Prize City"}
    modes = set(conference.registrations.values_list("attendance_mode", flat=True))
    assert modes == {"in_person", "online"}
    assert Answer.objects.filter(question=city).count() == conference.registrations.count()
