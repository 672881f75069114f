"""The meetings admin writes through the console's services: the same notices, calendar revisions and reminders.

Each test makes one change with the admin's real change form (posted back as rendered, as
a superuser) and the same change with the console's service on a twin meeting, then
compares what people were sent, the calendar SEQUENCE and the reminders.
"""

import datetime

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail
from django.urls import reverse

from meetings import services
from meetings.models import Meeting, Registration, Reminder
from tests.factories import UserFactory, make_member
from tests.meetings.factories import MeetingFactory
from tests.people.admin_forms import form_data

pytestmark = pytest.mark.django_db

JOIN = "https://meet.example.org/secret-room"


@pytest.fixture
def superuser(db):
    return UserFactory(email="root@example.org", is_staff=True, is_superuser=True)


@pytest.fixture
def post_on_commit(client, superuser, django_capture_on_commit_callbacks):
    """Post an admin form as the superuser and run what it enqueued on commit (Celery is eager in tests)."""
    client.force_login(superuser)

    def post(url, data):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data)

    return post


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    def run(function, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(**kwargs)

    return run


def _meeting_with_people(community, on_commit, *, people=1, **fields):
    meeting = MeetingFactory(community=community, online_url=JOIN, **fields)
    users = [make_member(community) for _ in range(people)]
    registrations = [on_commit(services.registration_create, meeting=meeting, user=user) for user in users]
    return meeting, registrations


def _change_form(client, meeting):
    url = reverse("admin:meetings_meeting_change", args=[meeting.pk])
    return url, form_data(client.get(url).content.decode(), form_id="meeting_form")


def _sent(meeting):
    """Return (recipient, subject without the site's prefix and with the title taken out) of each email sent."""
    return sorted((m.to[0], m.subject.split("] ", 1)[-1].replace(meeting.title, "<title>")) for m in mail.outbox)


def _reminders(meeting):
    return sorted(
        (r.registration.user_id, r.offset_minutes, r.status, meeting.start - r.due_at)
        for r in Reminder.objects.filter(meeting=meeting).select_related("registration")
    )


def _reminder_plan(meeting):
    """Return the reminders of meeting without who they are for (two meetings have different people)."""
    return sorted(row[1:] for row in _reminders(meeting))


def test_a_new_time_in_the_admin_sends_the_new_revision_and_moves_reminders_as_the_console(
    client, community, coordinator, post_on_commit, on_commit
):
    meeting, (registration,) = _meeting_with_people(community, on_commit)
    twin, _ = _meeting_with_people(community, on_commit)
    assert _reminder_plan(meeting)  # registering planned reminders
    url, fields = _change_form(client, meeting)
    for name in ("start_0", "end_0"):
        fields[name] = [(datetime.date.fromisoformat(fields[name][0]) + datetime.timedelta(days=1)).isoformat()]
    mail.outbox.clear()

    response = post_on_commit(url, fields)
    assert response.status_code == 302
    meeting.refresh_from_db()
    admin_sent = _sent(meeting)
    mail.outbox.clear()
    on_commit(services.meeting_update, meeting=twin, by=coordinator, start=meeting.start, end=meeting.end)
    twin.refresh_from_db()

    assert meeting.sequence == twin.sequence == 1
    assert admin_sent == [(registration.user.email, "Changed: <title>")]
    assert [subject for _to, subject in admin_sent] == [subject for _to, subject in _sent(twin)]
    assert _reminder_plan(meeting) == _reminder_plan(twin)
    assert all(r.due_at > meeting.start - datetime.timedelta(days=2) for r in Reminder.objects.filter(meeting=meeting))


def test_cancelling_in_the_admin_sends_the_cancellation_and_drops_reminders_as_the_console(
    client, community, coordinator, post_on_commit, on_commit
):
    meeting, registrations = _meeting_with_people(community, on_commit, people=2)
    twin, _ = _meeting_with_people(community, on_commit, people=2)
    url, fields = _change_form(client, meeting)
    fields["status"] = ["cancelled"]
    mail.outbox.clear()

    assert post_on_commit(url, fields).status_code == 302
    admin_sent = _sent(meeting)
    mail.outbox.clear()
    on_commit(services.meeting_cancel, meeting=twin, by=coordinator)

    meeting.refresh_from_db()
    twin.refresh_from_db()
    assert (meeting.status, meeting.sequence) == (twin.status, twin.sequence) == ("cancelled", 1)
    assert meeting.cancelled_at is not None
    assert admin_sent == sorted((r.user.email, "Cancelled: <title>") for r in registrations)
    assert [subject for _to, subject in admin_sent] == [subject for _to, subject in _sent(twin)]
    assert {row[2] for row in _reminders(meeting)} == {row[2] for row in _reminders(twin)} == {"cancelled"}


def test_the_cancel_action_cancels_through_the_service(client, community, post_on_commit, on_commit):
    meeting, (registration,) = _meeting_with_people(community, on_commit)
    mail.outbox.clear()
    response = post_on_commit(
        reverse("admin:meetings_meeting_changelist"),
        {"action": "cancel_selected", ACTION_CHECKBOX_NAME: [meeting.pk], "index": 0},
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.status, meeting.sequence) == ("cancelled", 1)
    assert [m.to for m in mail.outbox] == [[registration.user.email]]


def test_a_refused_change_shows_on_the_form_and_changes_nothing(client, community, post_on_commit, on_commit):
    meeting, _ = _meeting_with_people(community, on_commit, people=2, capacity=5)
    url, fields = _change_form(client, meeting)
    fields["capacity"] = ["1"]
    fields["title"] = ["A new title"]
    mail.outbox.clear()
    response = post_on_commit(url, fields)
    assert response.status_code == 200
    assert "2 people are already registered: the capacity cannot be lower." in response.content.decode()
    meeting.refresh_from_db()
    assert (meeting.capacity, meeting.sequence) == (5, 0)
    assert meeting.title != "A new title"
    assert mail.outbox == []


def test_a_future_meeting_cannot_be_marked_held(client, community, post_on_commit):
    meeting = MeetingFactory(community=community)
    url, fields = _change_form(client, meeting)
    fields["status"] = ["held"]
    response = post_on_commit(url, fields)
    assert response.status_code == 200
    assert "Attendance and minutes can be recorded once the meeting has started." in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == "scheduled"


def test_a_meeting_with_people_registered_is_cancelled_not_deleted(client, community, post_on_commit, on_commit):
    meeting, _ = _meeting_with_people(community, on_commit)
    response = post_on_commit(reverse("admin:meetings_meeting_delete", args=[meeting.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert Meeting.objects.filter(pk=meeting.pk).exists()


def test_cancelling_a_registration_in_the_admin_promotes_the_first_waiting_person_as_the_console(
    client, community, post_on_commit, on_commit
):
    def full_meeting():
        meeting, (seat, first, second) = _meeting_with_people(community, on_commit, people=3, capacity=1)
        assert (first.status, second.status) == ("waitlisted", "waitlisted")
        return meeting, seat, first, second

    meeting, seat, first, second = full_meeting()
    twin, twin_seat, twin_first, _ = full_meeting()
    url = reverse("admin:meetings_registration_change", args=[seat.pk])
    fields = form_data(client.get(url).content.decode(), form_id="registration_form")
    fields["status"] = ["cancelled"]
    mail.outbox.clear()

    assert post_on_commit(url, fields).status_code == 302
    admin_sent = _sent(meeting)
    mail.outbox.clear()
    on_commit(services.registration_cancel, registration=twin_seat, by=twin_seat.user)

    for registration in (seat, first, second):
        registration.refresh_from_db()
    assert (seat.status, first.status, second.status) == ("cancelled", "registered", "waitlisted")
    assert admin_sent == [(first.user.email, "A seat is yours: <title>")]
    assert [subject for _to, subject in admin_sent] == [subject for _to, subject in _sent(twin)]
    promoted = Reminder.objects.filter(registration=first)
    assert promoted.exists() and not promoted.exclude(status="pending").exists()
    assert not Reminder.objects.filter(registration=seat, status="pending").exists()
    twin_first.refresh_from_db()
    assert twin_first.status == "registered"


def test_a_seat_cannot_be_handed_past_the_waitlist(client, community, post_on_commit, on_commit):
    meeting, (seat, waiting) = _meeting_with_people(community, on_commit, people=2, capacity=1)
    url = reverse("admin:meetings_registration_change", args=[waiting.pk])
    fields = form_data(client.get(url).content.decode(), form_id="registration_form")
    fields["status"] = ["registered"]
    response = post_on_commit(url, fields)
    assert response.status_code == 200
    assert "Seats follow the capacity and the waitlist" in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.WAITLISTED


def test_saving_a_meeting_unchanged_sends_nothing_and_keeps_its_revision(client, community, post_on_commit, on_commit):
    meeting, _ = _meeting_with_people(community, on_commit)
    url, fields = _change_form(client, meeting)
    mail.outbox.clear()
    response = post_on_commit(url, fields)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    meeting.refresh_from_db()
    assert meeting.sequence == 0
    assert mail.outbox == []


def test_an_agenda_item_added_in_the_admin_is_appended_by_the_service(client, community, post_on_commit):
    meeting = MeetingFactory(community=community)
    services.agenda_item_add(meeting=meeting, by=None, title="Welcome")
    url, fields = _change_form(client, meeting)
    total = int(fields["agenda_items-TOTAL_FORMS"][0])
    fields["agenda_items-TOTAL_FORMS"] = [str(total + 1)]
    fields[f"agenda_items-{total}-title"] = ["Round table"]
    assert post_on_commit(url, fields).status_code == 302
    assert list(meeting.agenda_items.order_by("order").values_list("order", "title")) == [
        (1, "Welcome"),
        (2, "Round table"),
    ]


def test_attendance_is_marked_in_the_admin_only_once_the_meeting_started(client, community, post_on_commit, on_commit):
    meeting, (registration,) = _meeting_with_people(community, on_commit)
    url = reverse("admin:meetings_registration_change", args=[registration.pk])
    fields = form_data(client.get(url).content.decode(), form_id="registration_form")
    fields["attended"] = ["on"]
    response = post_on_commit(url, fields)
    assert response.status_code == 200
    assert "Attendance and minutes can be recorded once the meeting has started." in response.content.decode()
    Meeting.objects.filter(pk=meeting.pk).update(
        start=meeting.start - datetime.timedelta(days=8), end=meeting.end - datetime.timedelta(days=8)
    )
    assert post_on_commit(url, fields).status_code == 302
    registration.refresh_from_db()
    assert registration.attended
