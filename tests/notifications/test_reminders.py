"""Meeting reminders: rows due in UTC, kept in step with meetings, registrations and preferences, sent once."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from communities.models import Community, Membership
from communities.services import membership_leave
from meetings import services
from meetings.models import Meeting, Registration, Reminder
from meetings.reminders import LOOKAHEAD, reminder_custom_add, reminders_dispatch, reminders_sync_user
from members.models import EmailLedger
from members.notifications import notification_preferences_update
from tests.factories import CommunityFactory, UserFactory, make_member
from tests.notifications.conftest import ROME, emails_to, future_meeting, html_part, rome

JOIN = "https://meet.example.org/board-room"


def _register(run_on_commit, meeting, user):
    registration = run_on_commit(services.registration_create, meeting=meeting, user=user)
    mail.outbox.clear()
    return registration


def _dispatch(run_on_commit, now):
    return run_on_commit(reminders_dispatch, now=now)


def _reminders(registration):
    return {r.offset_minutes: r for r in Reminder.objects.filter(registration=registration)}


def test_registering_creates_a_reminder_a_day_and_an_hour_before_by_default(community, member, run_on_commit):
    meeting = future_meeting(community)
    registration = _register(run_on_commit, meeting, member)
    rows = _reminders(registration)
    assert set(rows) == {1440, 60}
    assert rows[1440].due_at == meeting.start - timedelta(days=1)
    assert rows[60].due_at == meeting.start - timedelta(hours=1)
    assert {r.status for r in rows.values()} == {Reminder.Status.PENDING}


def test_the_person_chooses_the_offsets_or_turns_reminders_off(community, run_on_commit):
    meeting = future_meeting(community, days=5)
    early, silent = make_member(community), make_member(community)
    notification_preferences_update(
        user=early, reminders_enabled=True, reminder_offsets=[2880], digest_frequency="weekly", updates_enabled=True
    )
    notification_preferences_update(
        user=silent, reminders_enabled=False, reminder_offsets=[60], digest_frequency="weekly", updates_enabled=True
    )
    assert set(_reminders(_register(run_on_commit, meeting, early))) == {2880}
    assert _reminders(_register(run_on_commit, meeting, silent)) == {}


def test_a_reminder_goes_out_at_its_moment_and_not_before(community, member, run_on_commit):
    meeting = future_meeting(community, online_url=JOIN, title="Technical board")
    _register(run_on_commit, meeting, member)
    day_before = meeting.start - timedelta(days=1)

    # Claimed no earlier than LOOKAHEAD before the moment (the send waits for the moment itself:
    # test_reminders_ahead.py, with the real clock).
    assert _dispatch(run_on_commit, day_before - LOOKAHEAD - timedelta(seconds=1)) == 0
    assert mail.outbox == []
    assert _dispatch(run_on_commit, day_before) == 1
    (message,) = mail.outbox
    assert message.to == [member.email]
    assert message.subject.startswith("[CoP Portal] Reminder: Technical board")
    assert JOIN in message.body and JOIN in html_part(message)


def test_running_the_dispatcher_twice_sends_each_reminder_once(community, run_on_commit):
    meeting = future_meeting(community)
    people = [make_member(community) for _ in range(3)]
    for person in people:
        _register(run_on_commit, meeting, person)
    due = meeting.start - timedelta(days=1)

    assert _dispatch(run_on_commit, due) == 3
    assert _dispatch(run_on_commit, due) == 0
    assert _dispatch(run_on_commit, due + timedelta(minutes=1)) == 0
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)
    assert EmailLedger.objects.filter(kind="reminder", status=EmailLedger.Status.SENT).count() == 3


def test_a_duplicated_send_task_sends_nothing_more(community, member, run_on_commit):
    from meetings import tasks

    meeting = future_meeting(community)
    registration = _register(run_on_commit, meeting, member)
    _dispatch(run_on_commit, meeting.start - timedelta(days=1))
    reminder = _reminders(registration)[1440]
    assert reminder.status == Reminder.Status.SENT
    tasks.send_reminder.delay(reminder.pk)
    Reminder.objects.filter(pk=reminder.pk).update(status=Reminder.Status.CLAIMED)  # as if claimed twice
    tasks.send_reminder.delay(reminder.pk)
    assert len(mail.outbox) == 1


def test_moving_a_meeting_forward_by_a_day_moves_its_reminders(community, coordinator, member, run_on_commit):
    meeting = future_meeting(community, days=4)
    registration = _register(run_on_commit, meeting, member)
    old_due = meeting.start - timedelta(days=1)

    run_on_commit(
        services.meeting_update,
        meeting=meeting,
        by=coordinator,
        start=meeting.start - timedelta(days=1),
        end=meeting.end - timedelta(days=1),
    )
    mail.outbox.clear()  # the change notice

    rows = _reminders(registration)
    assert rows[1440].due_at == old_due - timedelta(days=1)
    assert rows[60].due_at == meeting.start - timedelta(days=1, hours=1)
    assert _dispatch(run_on_commit, old_due - timedelta(days=1) - LOOKAHEAD - timedelta(seconds=1)) == 0
    assert _dispatch(run_on_commit, old_due - timedelta(days=1)) == 1
    assert len(mail.outbox) == 1
    assert _dispatch(run_on_commit, old_due) == 0, "nothing is left at the old moment"
    assert len(mail.outbox) == 1


def test_a_reminder_already_claimed_follows_a_meeting_that_moves(community, coordinator, member, run_on_commit):
    meeting = future_meeting(community, days=4)
    registration = _register(run_on_commit, meeting, member)
    due = meeting.start - timedelta(days=1)
    # Claimed, but its send task has not run yet when the organiser moves the meeting by two days.
    reminders_dispatch(now=due)
    assert _reminders(registration)[1440].status == Reminder.Status.CLAIMED
    run_on_commit(
        services.meeting_update,
        meeting=meeting,
        by=coordinator,
        start=meeting.start + timedelta(days=2),
        end=meeting.end + timedelta(days=2),
    )
    mail.outbox.clear()
    from meetings.reminders import reminder_send

    assert reminder_send(reminder_id=_reminders(registration)[1440].pk) == 0, "the stale claim sends nothing"
    assert mail.outbox == []
    assert _dispatch(run_on_commit, due + timedelta(days=2)) == 1
    assert len(mail.outbox) == 1


def test_cancelling_a_meeting_sends_no_reminder_only_the_cancellation(community, coordinator, run_on_commit):
    meeting = future_meeting(community)
    people = [make_member(community) for _ in range(2)]
    for person in people:
        _register(run_on_commit, meeting, person)

    run_on_commit(services.meeting_cancel, meeting=meeting, by=coordinator)
    for moment in (meeting.start - timedelta(days=1), meeting.start - timedelta(hours=1)):
        _dispatch(run_on_commit, moment)

    assert len(mail.outbox) == 2
    assert all(m.subject.endswith(f"Cancelled: {meeting.title}") for m in mail.outbox)
    assert set(Reminder.objects.filter(meeting=meeting).values_list("status", flat=True)) == {Reminder.Status.CANCELLED}


def test_a_meeting_cancelled_after_the_claim_sends_nothing(community, coordinator, member, run_on_commit):
    from meetings.reminders import reminder_send

    meeting = future_meeting(community)
    registration = _register(run_on_commit, meeting, member)
    reminders_dispatch(now=meeting.start - timedelta(days=1))  # claimed; the task has not run
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.CANCELLED)  # no service: worst case
    assert reminder_send(reminder_id=_reminders(registration)[1440].pk) == 0
    assert mail.outbox == []


def test_cancelling_the_registration_cancels_its_reminders(community, member, run_on_commit):
    meeting = future_meeting(community)
    registration = _register(run_on_commit, meeting, member)
    run_on_commit(services.registration_cancel, registration=registration, by=member)
    assert {r.status for r in _reminders(registration).values()} == {Reminder.Status.CANCELLED}
    _dispatch(run_on_commit, meeting.start - timedelta(hours=1))
    assert mail.outbox == []


def test_a_waitlisted_person_gets_reminders_once_promoted(community, run_on_commit):
    meeting = future_meeting(community, capacity=1)
    holder, waiting = make_member(community), make_member(community)
    seat = _register(run_on_commit, meeting, holder)
    waitlisted = _register(run_on_commit, meeting, waiting)
    assert _reminders(waitlisted) == {}
    run_on_commit(services.registration_cancel, registration=seat, by=holder)
    assert set(_reminders(waitlisted)) == {1440, 60}


def test_changing_my_offsets_recomputes_my_future_reminders(community, member, run_on_commit):
    meeting = future_meeting(community, days=5)
    registration = _register(run_on_commit, meeting, member)
    notification_preferences_update(
        user=member,
        reminders_enabled=True,
        reminder_offsets=[2880, 15],
        digest_frequency="weekly",
        updates_enabled=True,
    )
    reminders_sync_user(user=member)
    rows = _reminders(registration)
    pending = {offset for offset, row in rows.items() if row.status == Reminder.Status.PENDING}
    assert pending == {2880, 15}
    assert rows[1440].status == Reminder.Status.CANCELLED
    assert rows[15].due_at == meeting.start - timedelta(minutes=15)


def test_reminders_due_during_an_outage_go_out_late_only_before_the_start(community, run_on_commit):
    meeting = future_meeting(community)
    late, missed = make_member(community), make_member(community)
    _register(run_on_commit, meeting, late)
    other = future_meeting(community, days=2)
    _register(run_on_commit, other, missed)

    # Nothing ran for 30 hours: both of late's reminders are due, the meeting is still ahead.
    _dispatch(run_on_commit, meeting.start - timedelta(minutes=30))
    assert [m.to for m in emails_to(late.email)] == [[late.email]], "one late reminder, not two"
    statuses = dict(Reminder.objects.filter(meeting=meeting).values_list("offset_minutes", "status"))
    assert statuses == {60: Reminder.Status.SENT, 1440: Reminder.Status.MISSED}

    # The other meeting started before anything ran: its reminders are missed, not sent.
    _dispatch(run_on_commit, other.start + timedelta(minutes=5))
    assert emails_to(missed.email) == []
    assert set(Reminder.objects.filter(meeting=other).values_list("status", flat=True)) == {Reminder.Status.MISSED}


def test_a_person_who_leaves_the_community_gets_no_further_reminders(db, run_on_commit):
    community = CommunityFactory(visibility=Community.Visibility.MEMBERS)
    leaving, staying = make_member(community), make_member(community)
    private = future_meeting(community, visibility=Meeting.Visibility.MEMBERS)
    public = future_meeting(community, visibility=Meeting.Visibility.PUBLIC)
    for meeting in (private, public):
        _register(run_on_commit, meeting, leaving)
        _register(run_on_commit, meeting, staying)

    membership_leave(user=leaving, community=community)
    _dispatch(run_on_commit, private.start - timedelta(days=1))

    assert emails_to(leaving.email) == []
    assert len(emails_to(staying.email)) == 2


def test_the_reminder_shows_both_zones_the_place_the_link_and_the_agenda(community, member, run_on_commit):
    start = rome(2027, 1, 12, 11)  # 11:00 in Rome is 12:00 in Tripoli (CET vs EET)
    meeting = future_meeting(
        community,
        start=start,
        end=start + timedelta(hours=2),
        format=Meeting.Format.HYBRID,
        venue="Palazzo Marino",
        city="Milano",
        online_url=JOIN,
        title="Steering committee",
    )
    services.agenda_item_add(meeting=meeting, by=None, title="Welcome and minutes", starts_at=start, speaker="Ana")
    services.agenda_item_add(meeting=meeting, by=None, title="Training plan", starts_at=start + timedelta(hours=1))
    _register(run_on_commit, meeting, member)
    _dispatch(run_on_commit, start - timedelta(days=1))

    (message,) = mail.outbox
    html = html_part(message)
    for part in (message.body, html):
        assert "12:00" in part and "(Tripoli)" in part, "the person's own zone"
        assert "11:00" in part and "Rome" in part, "the meeting's zone beside it"
        assert "Palazzo Marino, Milano" in part
        assert JOIN in part
        assert "Welcome and minutes" in part and "Training plan" in part and "Ana" in part
    assert "12:00" in message.subject


def test_organisers_add_a_reminder_for_everyone_registered(community, coordinator, run_on_commit):
    meeting = future_meeting(community, days=5)
    people = [make_member(community) for _ in range(2)]
    for person in people:
        _register(run_on_commit, meeting, person)
    reminder = reminder_custom_add(meeting=meeting, by=coordinator, offset_minutes=4320, message="Bring your plan.")
    assert reminder_custom_add(meeting=meeting, by=coordinator, offset_minutes=4320, message="x").pk == reminder.pk

    _dispatch(run_on_commit, meeting.start - timedelta(days=3))

    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)
    assert all("Bring your plan." in m.body for m in mail.outbox)
    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.SENT


def test_an_organiser_reminder_in_the_past_is_refused_with_a_clear_message(community, coordinator):
    from django.core.exceptions import ValidationError

    meeting = future_meeting(community, days=1)
    with pytest.raises(ValidationError) as error:
        reminder_custom_add(meeting=meeting, by=coordinator, offset_minutes=10080)
    assert "already passed" in str(error.value)
    with pytest.raises(ValidationError):
        reminder_custom_add(meeting=meeting, by=coordinator, offset_minutes=17)
    assert not Reminder.objects.filter(meeting=meeting).exists()


def _next_dst_change(after: date) -> tuple[date, str]:
    """Return the next Sunday on which Europe/Rome changes its clocks after `after`, and which way."""
    day = after + timedelta(days=1)
    while True:
        noon = datetime(day.year, day.month, day.day, 12, tzinfo=ROME)
        before = datetime(day.year, day.month, day.day, 0, 30, tzinfo=ROME)
        if noon.utcoffset() != before.utcoffset():
            return day, "spring" if noon.utcoffset() > before.utcoffset() else "autumn"
        day += timedelta(days=1)


@pytest.mark.parametrize("which", ["first", "second"])
def test_a_day_before_reminder_across_the_dst_change_goes_out_at_the_right_instant_and_shows_11(
    community, run_on_commit, which
):
    today = timezone.now().astimezone(ROME).date()
    change, _direction = _next_dst_change(today + timedelta(days=2))
    if which == "second":  # the other direction too (spring and autumn)
        change, _direction = _next_dst_change(change + timedelta(days=1))
    person = make_member(community, UserFactory(time_zone="Europe/Rome", language="it"))
    start = datetime(change.year, change.month, change.day, 11, tzinfo=ROME)  # 11:00 on the day clocks change
    meeting = future_meeting(community, start=start, end=start + timedelta(hours=1), time_zone="Europe/Rome")
    _register(run_on_commit, meeting, person)

    # "24 hours before" is an interval: the UTC instant is the start minus 24 hours, although the
    # local clock the day before reads 10:00 or 12:00.
    instant = start.astimezone(UTC) - timedelta(hours=24)
    assert Reminder.objects.get(registration__user=person, offset_minutes=1440).due_at == instant
    assert instant.astimezone(ROME).hour in {10, 12}
    assert _dispatch(run_on_commit, instant - LOOKAHEAD - timedelta(seconds=1)) == 0
    assert _dispatch(run_on_commit, instant) == 1

    (message,) = mail.outbox
    assert message.extra_headers["Content-Language"] == "it"
    assert "11:00" in message.body and "11:00" in html_part(message) and "11:00" in message.subject
    assert "10:00" not in message.body and "12:00–" not in message.body


def test_the_dispatcher_runs_every_minute_from_the_beat_schedule_on_its_own_queue():
    from django.conf import settings

    from members.notifications import route_task

    schedule = {entry["task"]: entry for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert schedule["meetings.dispatch_reminders"]["schedule"] == 60.0
    assert "cop_portal.dispatch_digests" in schedule
    assert route_task("meetings.send_reminder", [], {}, {}) == {"queue": settings.MAIL_QUEUE}
    assert route_task("meetings.dispatch_reminders", [], {}, {}) is None
    assert route_task("knowledge.tasks.notify_answer_created", [], {}, {}) == {"queue": settings.MAIL_QUEUE}


def test_walk_ins_and_people_without_an_account_get_no_reminders(community, coordinator):
    meeting = future_meeting(community)
    registration = Registration.objects.create(meeting=meeting, email="guest@example.org", name="Guest")
    from meetings.reminders import reminders_sync_registration

    reminders_sync_registration(registration=registration)
    assert not Reminder.objects.filter(registration=registration).exists()
    assert Membership.objects.filter(user=coordinator).exists()


def test_compose_runs_exactly_one_beat_and_its_workers_consume_the_mail_queue():
    from pathlib import Path

    import yaml
    from django.conf import settings

    compose = yaml.safe_load((Path(settings.BASE_DIR) / "docker-compose.yml").read_text())["services"]
    beats = [name for name, service in compose.items() if "beat" in service.get("command", [])]
    assert beats == ["beat"] and compose["beat"]["deploy"]["replicas"] == 1
    worker = compose["worker"]["command"]
    assert worker[worker.index("-Q") + 1].split(",") == ["celery", settings.MAIL_QUEUE]


def test_celery_acknowledges_late_requeues_lost_work_limits_time_and_speaks_json_only():
    from cop_portal.celery import app

    conf = app.conf
    assert conf.task_acks_late is True and conf.task_reject_on_worker_lost is True
    assert conf.task_time_limit and conf.task_soft_time_limit < conf.task_time_limit
    assert conf.accept_content == ["json"] and conf.task_serializer == "json" and conf.result_serializer == "json"
    assert conf.worker_prefetch_multiplier == 1
