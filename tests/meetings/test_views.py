"""The meetings pages: lists, calendar, meeting page, registration buttons and the organisers' forms."""

import csv
import io
import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from meetings import services
from meetings.models import AgendaItem, Meeting, MeetingOutcome, Registration
from tests.factories import GroupFactory, OrganizationFactory, UserFactory, make_member
from tests.meetings.factories import MeetingFactory, RegistrationFactory

JOIN = "https://meet.example.org/secret-room"


def url(name, community, **kwargs):
    return reverse(f"meetings:{name}", kwargs={"community_slug": community.slug, **kwargs})


def _past(community, **kwargs):
    start = timezone.now() - timedelta(days=2)
    return MeetingFactory(community=community, start=start, end=start + timedelta(hours=2), **kwargs)


# ---------------------------------------------------------------- list and calendar


def test_the_list_shows_upcoming_and_past_meetings_apart(client, community, member):
    MeetingFactory(community=community, title="Coming plenary")
    _past(community, title="Last webinar")
    client.force_login(member)
    upcoming = client.get(url("list", community)).content.decode()
    past = client.get(url("list", community) + "?when=past").content.decode()
    assert "Coming plenary" in upcoming and "Last webinar" not in upcoming
    assert "Last webinar" in past and "Coming plenary" not in past


def test_the_list_filters_by_kind_group_format_and_theme(client, community, member, group):
    board = MeetingFactory(community=community, title="Board A", kind=Meeting.Kind.TECHNICAL_BOARD)
    MeetingFactory(community=community, title="Webinar B", kind=Meeting.Kind.WEBINAR, format=Meeting.Format.IN_PERSON)
    MeetingFactory(community=community, title="Team C", group=group)
    board.themes.set(["basic services"])
    client.force_login(member)

    def titles(query):
        body = client.get(url("list", community) + query).content.decode()
        return {t for t in ("Board A", "Webinar B", "Team C") if t in body}

    assert titles("?kind=technical_board") == {"Board A"}
    assert titles("?format=in_person") == {"Webinar B"}
    assert titles(f"?group={group.slug}") == {"Team C"}
    assert titles("?theme=basic-services") == {"Board A"}
    assert titles("?kind=nonsense") == {"Board A", "Webinar B", "Team C"}


def test_the_theme_filter_offers_the_themes_of_the_meetings_listed_first_and_keeps_the_chosen_one(
    client, community, member, monkeypatch
):
    from meetings import selectors

    monkeypatch.setattr(selectors, "THEME_SAMPLE", 1)
    soon = MeetingFactory(community=community, start=timezone.now() + timedelta(days=1))
    later = MeetingFactory(community=community, start=timezone.now() + timedelta(days=9))
    soon.themes.set(["water"])
    later.themes.set(["energy"])
    _past(community).themes.set(["archives"])
    client.force_login(member)

    def offered(query=""):
        body = client.get(url("list", community) + query).content.decode()
        return re.findall(r'<option value="(water|energy|archives)"', body)

    assert offered() == ["water"]
    assert offered("?when=past") == ["archives"]
    assert offered("?theme=energy") == ["energy", "water"]


def test_the_calendar_month_view_is_a_table_with_meetings_on_their_days(client, community, member):
    start = datetime(2031, 3, 4, 9, 0, tzinfo=UTC)  # 11:00 in Tripoli
    MeetingFactory(community=community, title="Partnership meeting", start=start, end=start + timedelta(hours=1))
    client.force_login(member)
    response = client.get(url("calendar", community) + "?month=2031-03")
    body = response.content.decode()
    assert response.status_code == 200
    assert "<table" in body and 'scope="col"' in body
    assert "March 2031" in body
    cell = re.search(r'<time datetime="2031-03-04">.*?</td>', body, re.S).group(0)
    assert "11:00 Partnership meeting" in cell
    assert "?month=2031-02" in body and "?month=2031-04" in body
    assert client.get(url("calendar", community) + "?month=garbage").status_code == 200


# ---------------------------------------------------------------- the meeting page


def test_the_meeting_page_carries_schema_org_event_markup_without_the_join_link(client, community):
    meeting = MeetingFactory(
        community=community,
        title="Summer school </script><script>alert(1)</script>",
        format=Meeting.Format.HYBRID,
        city="Trento",
        country="IT",
        online_url=JOIN,
    )
    body = client.get(meeting.get_absolute_url()).content.decode()
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', body, re.S)
    data = json.loads(match.group(1))
    assert data["@type"] == "Event"
    assert data["name"].startswith("Summer school </script>")
    assert data["eventAttendanceMode"] == "https://schema.org/MixedEventAttendanceMode"
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert data["startDate"] == meeting.local_start.isoformat()
    assert "<script>alert(1)" not in match.group(1)
    assert JOIN not in body


def test_the_online_link_is_shown_only_to_registered_people_and_organisers(client, community, member, coordinator):
    meeting = MeetingFactory(community=community, online_url=JOIN)
    client.force_login(member)
    assert JOIN not in client.get(meeting.get_absolute_url()).content.decode()
    RegistrationFactory(meeting=meeting, user=member, status=Registration.Status.WAITLISTED, position=1)
    assert JOIN not in client.get(meeting.get_absolute_url()).content.decode()
    Registration.objects.filter(user=member).update(status=Registration.Status.REGISTERED, position=None)
    assert JOIN in client.get(meeting.get_absolute_url()).content.decode()
    client.force_login(coordinator)
    assert JOIN in client.get(meeting.get_absolute_url()).content.decode()


def test_register_and_cancel_are_post_forms(client, community, member, django_capture_on_commit_callbacks):
    meeting = MeetingFactory(community=community, online_url=JOIN)
    client.force_login(member)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert f'action="{url("register", community, meeting_pk=meeting.pk)}"' in page
    assert client.get(url("register", community, meeting_pk=meeting.pk)).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("register", community, meeting_pk=meeting.pk), follow=True)
    body = response.content.decode()
    assert "You are registered" in body and JOIN in body
    assert len(mail.outbox) == 1
    response = client.post(url("unregister", community, meeting_pk=meeting.pk), follow=True)
    assert "Your registration is cancelled" in response.content.decode()
    assert Registration.objects.get(user=member).status == Registration.Status.CANCELLED
    assert JOIN not in response.content.decode()


def test_a_full_meeting_offers_the_waitlist(client, community, member):
    meeting = MeetingFactory(community=community, capacity=1)
    RegistrationFactory(meeting=meeting)
    client.force_login(member)
    assert "Join the waitlist" in client.get(meeting.get_absolute_url()).content.decode()
    body = client.post(url("register", community, meeting_pk=meeting.pk), follow=True).content.decode()
    assert "You are on the waitlist (position 1)" in body


def test_registration_errors_are_shown_as_messages(client, community, member):
    meeting = MeetingFactory(community=community, registration_policy=Meeting.RegistrationPolicy.INVITATION)
    client.force_login(member)
    body = client.get(meeting.get_absolute_url()).content.decode()
    assert "by invitation only" in body
    body = client.post(url("register", community, meeting_pk=meeting.pk), follow=True).content.decode()
    assert "by invitation only" in body
    assert not Registration.objects.exists()


def test_anonymous_visitors_are_asked_to_sign_in_to_register(client, community):
    meeting = MeetingFactory(community=community)
    body = client.get(meeting.get_absolute_url()).content.decode()
    assert "Sign in to register" in body
    response = client.post(url("register", community, meeting_pk=meeting.pk))
    assert response.status_code == 302 and not Registration.objects.exists()


# ---------------------------------------------------------------- organiser forms


def _meeting_post(**overrides):
    data = {
        "kind": "technical_board",
        "title": "Technical board",
        "description": "Second technical board.",
        "format": "hybrid",
        "start": "2031-01-14T10:00",
        "end": "2031-01-14T12:00",
        "time_zone": "Europe/Rome",
        "venue": "Town hall",
        "city": "Misrata",
        "country": "LY",
        "online_url": JOIN,
        "audience": ["policy_makers", "technical_staff"],
        "themes": "basic services, local development",
        "capacity": "30",
        "registration_policy": "open",
        "registration_deadline": "2031-01-10T18:00",
        "visibility": "members",
    }
    data.update(overrides)
    return data


def test_a_coordinator_schedules_a_hybrid_meeting_in_its_own_zone(client, community, coordinator):
    client.force_login(coordinator)
    assert client.get(url("create", community)).status_code == 200
    response = client.post(url("create", community), _meeting_post())
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == meeting.get_absolute_url()
    assert meeting.start == datetime(2031, 1, 14, 9, 0, tzinfo=UTC)
    assert meeting.registration_deadline == datetime(2031, 1, 10, 17, 0, tzinfo=UTC)
    assert meeting.audience == ["policy_makers", "technical_staff"]
    assert sorted(meeting.themes.names()) == ["basic services", "local development"]
    assert meeting.created_by == coordinator and meeting.group is None


@pytest.mark.parametrize(
    "overrides,field,message",
    [
        ({"end": "2031-01-14T09:00"}, "end", "The meeting must end after it starts."),
        (
            {"registration_deadline": "2031-01-15T09:00"},
            "registration_deadline",
            "The registration deadline must be before the meeting starts.",
        ),
        ({"time_zone": "Europe/Atlantis"}, "time_zone", "is not a time zone we know"),
    ],
)
def test_bad_input_comes_back_with_a_clear_message_and_saves_nothing(
    client, community, coordinator, overrides, field, message
):
    client.force_login(coordinator)
    response = client.post(url("create", community), _meeting_post(**overrides))
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field])
    assert message.replace("'", "&#x27;") in response.content.decode()
    assert not Meeting.objects.exists()


def test_lowering_capacity_below_registrations_is_refused_on_the_edit_form(client, community, coordinator):
    meeting = MeetingFactory(community=community, capacity=10)
    RegistrationFactory.create_batch(4, meeting=meeting)
    client.force_login(coordinator)
    response = client.post(url("edit", community, meeting_pk=meeting.pk), _meeting_post(capacity="3"))
    assert response.status_code == 200
    assert "4 people are already registered" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.capacity == 10 and meeting.title != "Technical board"


def test_a_facilitator_schedules_for_their_own_group_only(client, community, facilitator, group):
    other = GroupFactory(community=community)
    client.force_login(facilitator)
    form = client.get(url("create", community)).context["form"]
    assert list(form.fields["group"].queryset) == [group]
    response = client.post(url("create", community), _meeting_post(group=str(other.pk)))
    assert response.status_code == 200 and not Meeting.objects.exists()
    client.post(url("create", community), _meeting_post(group=str(group.pk)))
    assert Meeting.objects.get().group == group


def test_plain_members_cannot_schedule_or_organise(client, community, member):
    meeting = MeetingFactory(community=community)
    client.force_login(member)
    response = client.get(url("create", community))
    assert response.status_code == 302
    for name in ("edit", "duplicate", "cancel", "agenda", "registrations", "registrations_csv", "attendance", "close"):
        response = client.get(url(name, community, meeting_pk=meeting.pk))
        assert response.status_code == 302 and response["Location"] == meeting.get_absolute_url(), name
    response = client.post(url("cancel", community, meeting_pk=meeting.pk))
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.SCHEDULED


def test_edit_duplicate_and_cancel(client, community, coordinator):
    meeting = MeetingFactory(community=community, title="Plenary")
    client.force_login(coordinator)
    form = client.get(url("edit", community, meeting_pk=meeting.pk)).context["form"]
    assert form.initial["start"] == meeting.local_start.replace(tzinfo=None)
    client.post(url("edit", community, meeting_pk=meeting.pk), _meeting_post(title="Plenary (moved)"))
    meeting.refresh_from_db()
    assert meeting.title == "Plenary (moved)" and meeting.sequence == 1
    response = client.post(url("duplicate", community, meeting_pk=meeting.pk), {"start": "2031-02-14T10:00"})
    copy = Meeting.objects.exclude(pk=meeting.pk).get()
    assert response["Location"] == url("edit", community, meeting_pk=copy.pk)
    assert copy.start == datetime(2031, 2, 14, 9, 0, tzinfo=UTC)
    assert "registered will be told" in client.get(url("cancel", community, meeting_pk=meeting.pk)).content.decode()
    client.post(url("cancel", community, meeting_pk=meeting.pk))
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CANCELLED
    assert "This meeting is cancelled" in client.get(meeting.get_absolute_url()).content.decode()


def test_a_series_is_scheduled_from_the_form_and_its_rest_cancelled(client, community, coordinator):
    client.force_login(coordinator)
    data = _meeting_post(title="Virtual partnership meeting", format="online")
    for key in ("start", "end", "registration_deadline"):
        data.pop(key)
    data.update(
        {
            "frequency": "monthly",
            "ordinal": "1",
            "weekday": "1",
            "start_time": "11:00",
            "duration_minutes": "60",
            "starts_on": "2031-01-01",
            "until": "2031-06-30",
        }
    )
    response = client.post(url("series_create", community), data)
    assert response.status_code == 302, response.context["form"].errors
    meetings = list(Meeting.objects.order_by("start"))
    assert len(meetings) == 6 and {m.local_start.hour for m in meetings} == {11}
    series_page = client.get(response["Location"]).content.decode()
    assert "Every month on the first Tuesday at 11:00 (Europe/Rome)" in series_page
    client.post(url("cancel", community, meeting_pk=meetings[3].pk), {"scope": "following"})
    assert [m.status for m in Meeting.objects.order_by("start")] == ["scheduled"] * 3 + ["cancelled"] * 3


def test_agenda_items_are_added_moved_edited_and_removed(client, community, coordinator):
    meeting = MeetingFactory(community=community, start=datetime(2031, 1, 14, 9, 0, tzinfo=UTC))
    client.force_login(coordinator)
    agenda = url("agenda", community, meeting_pk=meeting.pk)
    client.post(agenda, {"title": "Welcome", "starts_at": "2031-01-14T10:00", "speaker": "Mayor"})
    client.post(agenda, {"title": "Pilot projects"})
    first, second = AgendaItem.objects.order_by("order")
    assert first.starts_at == datetime(2031, 1, 14, 9, 0, tzinfo=UTC)
    client.post(
        url("agenda_item_move", community, meeting_pk=meeting.pk, agenda_item_pk=second.pk), {"direction": "up"}
    )
    assert list(AgendaItem.objects.order_by("order").values_list("title", flat=True)) == ["Pilot projects", "Welcome"]
    client.post(
        url("agenda_item_edit", community, meeting_pk=meeting.pk, agenda_item_pk=first.pk), {"title": "Opening"}
    )
    first.refresh_from_db()
    assert first.title == "Opening" and first.starts_at is None
    client.post(url("agenda_item_delete", community, meeting_pk=meeting.pk, agenda_item_pk=second.pk))
    assert list(AgendaItem.objects.values_list("title", flat=True)) == ["Opening"]
    assert "Opening" in client.get(meeting.get_absolute_url()).content.decode()


def test_organisers_see_registrations_with_organisation_and_country_and_export_them(client, community, coordinator):
    meeting = MeetingFactory(community=community, registration_policy=Meeting.RegistrationPolicy.APPROVAL)
    city = OrganizationFactory(name="Municipality of Sfax", country="TN")
    person = UserFactory(full_name="=HYPERLINK(1)", organization=city, country="TN")
    pending = RegistrationFactory(meeting=meeting, user=person, status=Registration.Status.PENDING)
    client.force_login(coordinator)
    body = client.get(url("registrations", community, meeting_pk=meeting.pk)).content.decode()
    assert "Municipality of Sfax" in body and "Tunisia" in body
    client.post(url("registration_approve", community, meeting_pk=meeting.pk, registration_pk=pending.pk))
    pending.refresh_from_db()
    assert pending.status == Registration.Status.REGISTERED
    response = client.get(url("registrations_csv", community, meeting_pk=meeting.pk))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Name", "Email address", "Organisation", "Country"]
    assert rows[1][0] == "'=HYPERLINK(1)"  # no formula reaches a spreadsheet
    assert rows[1][2:5] == ["Municipality of Sfax", "Tunisia", "Registered"]


def test_organisers_register_a_member_by_email(client, community, coordinator, member):
    meeting = MeetingFactory(community=community, registration_policy=Meeting.RegistrationPolicy.INVITATION)
    client.force_login(coordinator)
    client.post(url("registrations", community, meeting_pk=meeting.pk), {"email": member.email})
    assert Registration.objects.get(meeting=meeting).user == member
    response = client.post(
        url("registrations", community, meeting_pk=meeting.pk), {"email": "nobody@example.org"}, follow=True
    )
    assert "Done for nobody@example.org" in response.content.decode()
    assert "an account" not in response.content.decode()


def test_attendance_is_marked_and_walk_ins_added(client, community, coordinator):
    meeting = _past(community)
    came, missed = RegistrationFactory.create_batch(2, meeting=meeting)
    client.force_login(coordinator)
    page = url("attendance", community, meeting_pk=meeting.pk)
    client.post(page, {"action": "mark", "attended": [str(came.pk)]})
    came.refresh_from_db()
    missed.refresh_from_db()
    assert came.attended and not missed.attended
    response = client.post(page, {"action": "walk_in", "name": "", "email": ""})
    assert "Give the name or the email address" in response.content.decode()
    client.post(page, {"action": "walk_in", "name": "Sami Walker", "organization_name": "Municipality of Zawiya"})
    walk_in = Registration.objects.get(walk_in=True)
    assert walk_in.attended and walk_in.name == "Sami Walker"
    assert "Municipality of Zawiya" in client.get(page).content.decode()


def test_closing_with_minutes_and_action_items_marks_the_meeting_held(client, community, coordinator, member):
    meeting = _past(community)
    client.force_login(coordinator)
    page = url("close", community, meeting_pk=meeting.pk)
    assert client.get(page).status_code == 200
    data = {
        "minutes": "We agreed on the pilot.",
        "decisions": "Adopt the plan",
        "actions-TOTAL_FORMS": "3",
        "actions-INITIAL_FORMS": "0",
        "actions-MIN_NUM_FORMS": "0",
        "actions-MAX_NUM_FORMS": "50",
        "actions-0-description": "Share the report",
        "actions-0-owner": str(member.pk),
        "actions-0-due_date": "2031-02-01",
    }
    response = client.post(page, data)
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.HELD
    assert MeetingOutcome.objects.get(meeting=meeting).minutes == "We agreed on the pilot."
    body = client.get(meeting.get_absolute_url()).content.decode()
    assert "Share the report" in body and "Adopt the plan" in body


def test_closing_a_future_meeting_is_refused_with_a_message(client, community, coordinator):
    meeting = MeetingFactory(community=community)
    client.force_login(coordinator)
    response = client.post(
        url("close", community, meeting_pk=meeting.pk),
        {"minutes": "x", "actions-TOTAL_FORMS": "0", "actions-INITIAL_FORMS": "0"},
    )
    assert response.status_code == 200
    assert "once the meeting has started" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.SCHEDULED


# ---------------------------------------------------------------- query counts


def _many_meetings(community, group, count):
    organisation = OrganizationFactory()
    for index in range(count):
        meeting = MeetingFactory(
            community=community, group=group if index % 2 else None, host_organization=organisation
        )
        meeting.themes.set([f"theme {index % 3}"])
        RegistrationFactory(meeting=meeting)


@pytest.mark.parametrize("page", ["list", "calendar"])
def test_list_and_calendar_queries_stay_constant_as_meetings_grow(
    client, community, member, group, page, django_assert_num_queries
):
    client.force_login(member)
    _many_meetings(community, group, 2)
    path = url(page, community)
    client.get(path)  # warm caches (content types, sessions)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get(path).status_code == 200
    _many_meetings(community, group, 15)
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(path).status_code == 200


def test_the_meeting_page_runs_a_fixed_number_of_queries(
    client, community, member, coordinator, django_assert_num_queries
):
    meeting = MeetingFactory(community=community, host_organization=OrganizationFactory())
    meeting.themes.set(["a", "b"])
    client.force_login(member)
    client.get(meeting.get_absolute_url())
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(meeting.get_absolute_url())
    for index in range(10):
        services.agenda_item_add(meeting=meeting, by=coordinator, title=f"Item {index}")
        RegistrationFactory(meeting=meeting)
    meeting.themes.add("c", "d")
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(meeting.get_absolute_url())


def test_the_registrations_list_runs_a_fixed_number_of_queries(
    client, community, coordinator, django_assert_num_queries
):
    meeting = MeetingFactory(community=community)
    organisation = OrganizationFactory()
    RegistrationFactory(meeting=meeting, user=UserFactory(organization=organisation))
    client.force_login(coordinator)
    path = url("registrations", community, meeting_pk=meeting.pk)
    client.get(path)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(path)
    for _ in range(20):
        RegistrationFactory(meeting=meeting, user=UserFactory(organization=OrganizationFactory()))
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(path)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(path)
    csv_path = url("registrations_csv", community, meeting_pk=meeting.pk)
    with CaptureQueriesContext(connection) as csv_queries:
        client.get(csv_path)
    RegistrationFactory.create_batch(5, meeting=meeting)
    with django_assert_num_queries(len(csv_queries.captured_queries)):
        client.get(csv_path)


def test_group_pages_are_reachable_for_members_of_a_group_meeting(client, community, member, group):
    make_member(community, member, group=group)
    meeting = MeetingFactory(community=community, group=group)
    client.force_login(member)
    assert group.name in client.get(meeting.get_absolute_url()).content.decode()


def test_the_meeting_page_links_the_knowledge_that_came_from_it(client, community, member):
    from knowledge.models import KnowledgeItem
    from knowledge.services import item_create

    meeting = _past(community, title="Technical board")
    item_create(
        community=community,
        by=member,
        kind=KnowledgeItem.Kind.LESSON,
        title="Lessons from the technical board",
        summary="What we learnt.",
        meeting=meeting,
        publish=True,
    )
    client.force_login(member)
    body = client.get(meeting.get_absolute_url()).content.decode()
    assert "Knowledge from this meeting" in body and "Lessons from the technical board" in body
