"""Follow-up of a meeting: minutes emailed once on publishing, action items with owners, status and
reminders, the action register (community, group, console) and the agenda following a moved meeting."""

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from communities.models import Community, Group
from meetings import services
from meetings.models import ActionItem, AgendaItem, Meeting, MeetingOutcome, Registration
from members.models import EmailLedger
from tests.factories import GroupFactory, UserFactory, make_member
from tests.meetings.factories import MeetingFactory


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run what services enqueue on commit (Celery is eager in tests), as a real commit would."""

    def run(function, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(**kwargs)

    return run


def held(community, **fields):
    # Within one local day whatever the hour the tests run (certificate hours count a one-day meeting).
    start = (timezone.now() - timedelta(days=2)).replace(hour=7, minute=0, second=0, microsecond=0)
    fields.setdefault("title", "Steering committee")
    return MeetingFactory(community=community, start=start, end=start + timedelta(hours=2), **fields)


def register(meeting, user, attended=True):
    return Registration.objects.create(meeting=meeting, user=user, attended=attended)


def minutes_emails():
    # The subject is translated: "Minutes: …", "Verbale: …", "المحضر: …".
    return [m for m in mail.outbox if any(word in m.subject for word in ("Minutes: ", "Verbale: ", "المحضر: "))]


# --- Minutes ----------------------------------------------------------------------------------------


def test_publishing_the_minutes_emails_each_participant_once_in_their_language(community, coordinator, on_commit):
    meeting = held(community)
    ana = register(meeting, make_member(community, UserFactory(email="ana@example.org", language="it"))).user
    bo = register(meeting, make_member(community, UserFactory(email="bo@example.org"))).user
    Registration.objects.create(meeting=meeting, user=make_member(community), status=Registration.Status.CANCELLED)
    mail.outbox.clear()

    on_commit(
        services.meeting_close,
        meeting=meeting,
        by=coordinator,
        minutes="We agreed on the plan.",
        mail_to=MeetingOutcome.MailTo.PARTICIPANTS,
        seen_round=0,
    )

    sent = minutes_emails()
    assert sorted(m.to[0] for m in sent) == [ana.email, bo.email]
    assert all("We agreed on the plan." in m.body for m in sent)
    by_address = {m.to[0]: m for m in sent}
    assert by_address[ana.email].extra_headers["Content-Language"] == "it"
    outcome = MeetingOutcome.objects.get(meeting=meeting)
    assert outcome.published_at is not None and outcome.mail_round == 1


def test_an_edit_saved_later_sends_nothing_unless_the_organiser_asks(community, coordinator, on_commit):
    meeting = held(community)
    register(meeting, make_member(community))
    close = {"meeting": meeting, "by": coordinator, "mail_to": MeetingOutcome.MailTo.PARTICIPANTS}
    on_commit(services.meeting_close, minutes="First draft.", seen_round=0, **close)
    assert len(minutes_emails()) == 1

    # The same form posted twice, then an edit: nothing more.
    on_commit(services.meeting_close, minutes="First draft.", seen_round=0, **close)
    on_commit(services.meeting_close, minutes="Fixed a typo.", seen_round=1, **close)
    assert len(minutes_emails()) == 1

    # The organiser asks: one more round, with the new text; the same request twice is one round.
    on_commit(services.meeting_close, minutes="Second version.", seen_round=1, send_again=True, **close)
    on_commit(services.meeting_close, minutes="Second version.", seen_round=1, send_again=True, **close)
    sent = minutes_emails()
    assert len(sent) == 2
    assert "Second version." in sent[-1].body
    assert MeetingOutcome.objects.get(meeting=meeting).mail_round == 2


def test_the_minutes_reach_the_whole_community_when_chosen_but_not_a_private_group_s_outsiders(
    community, coordinator, on_commit
):
    private = GroupFactory(community=community, visibility=Group.Visibility.PRIVATE)
    insider = make_member(community, UserFactory(email="insider@example.org"))
    make_member(community, insider, group=private)
    outsider = make_member(community, UserFactory(email="outsider@example.org"))
    open_meeting = held(community)
    group_meeting = held(community, group=private)
    mail.outbox.clear()

    for meeting in (open_meeting, group_meeting):
        on_commit(
            services.meeting_close,
            meeting=meeting,
            by=coordinator,
            minutes=f"Minutes of {meeting.pk}",
            mail_to=MeetingOutcome.MailTo.COMMUNITY,
        )

    def recipients(meeting):
        return {m.to[0] for m in minutes_emails() if f"Minutes of {meeting.pk}" in m.body}

    assert {insider.email, outsider.email, coordinator.email} <= recipients(open_meeting)
    assert insider.email in recipients(group_meeting)
    assert outsider.email not in recipients(group_meeting)


def test_the_closing_page_publishes_and_mails_through_the_form(client, community, coordinator):
    meeting = held(community)
    participant = register(meeting, make_member(community)).user
    client.force_login(coordinator)
    page = reverse("meetings:close", kwargs={"community_slug": community.slug, "meeting_pk": meeting.pk})
    assert 'name="mail_to"' in client.get(page).content.decode()
    data = {
        "minutes": "Minutes text",
        "decisions": "",
        "mail_to": "participants",
        "seen_round": "0",
        "actions-TOTAL_FORMS": "0",
        "actions-INITIAL_FORMS": "0",
        "actions-MIN_NUM_FORMS": "0",
        "actions-MAX_NUM_FORMS": "50",
    }
    mail.outbox.clear()
    response = client.post(page, data)
    assert response.status_code == 302
    # The outbox hands the task off on commit: the test client's request runs in the test transaction.
    from members.models import OutboxMessage

    assert OutboxMessage.objects.filter(key=f"minutes:{meeting.pk}:1").exists()
    body = client.get(page).content.decode()
    assert 'name="send_again"' in body, "once sent, the page offers to send them again"
    assert participant.email


# --- Action items -----------------------------------------------------------------------------------


def test_an_owner_is_told_once_when_an_action_is_assigned_and_again_only_when_it_moves_to_someone_else(
    community, coordinator, member, on_commit
):
    meeting = held(community)
    other = make_member(community, UserFactory(email="other@example.org"))
    mail.outbox.clear()
    item = services.ActionItemData(description="Send the report", owner=member, due_date=date(2031, 1, 31))
    on_commit(services.meeting_close, meeting=meeting, by=coordinator, minutes="m", action_items=[item])
    (action,) = ActionItem.objects.filter(meeting=meeting)
    assigned = [m for m in mail.outbox if "New action for you" in m.subject]
    assert [m.to[0] for m in assigned] == [member.email]
    assert "Send the report" in assigned[0].body

    # Saved again with a better wording: the same item (its id kept), no second notice.
    again = services.ActionItemData(
        pk=action.pk, description="Send the final report", owner=member, due_date=date(2031, 1, 31)
    )
    on_commit(services.meeting_close, meeting=meeting, by=coordinator, minutes="m", action_items=[again])
    assert ActionItem.objects.get().pk == action.pk
    assert len([m for m in mail.outbox if "New action for you" in m.subject]) == 1

    moved = services.ActionItemData(pk=action.pk, description="Send the final report", owner=other)
    on_commit(services.meeting_close, meeting=meeting, by=coordinator, minutes="m", action_items=[moved])
    assigned = [m for m in mail.outbox if "New action for you" in m.subject]
    assert [m.to[0] for m in assigned] == [member.email, other.email]


def test_the_old_done_flag_became_the_status(db):
    assert ActionItem(status=ActionItem.Status.DONE).done
    assert not ActionItem(status=ActionItem.Status.DROPPED).is_open
    assert ActionItem(status=ActionItem.Status.IN_PROGRESS).is_open


def test_the_done_data_migrates_to_the_status(transactional_db):
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", "meetings", "0006", verbosity=0)
    try:
        community = Community.objects.create(slug="m", name="M")
        with connection.cursor() as cursor:
            cursor.execute(
                'INSERT INTO meetings_meeting (community_id, kind, format, title, description, start, "end", '
                "time_zone, venue, city, country, online_url, audience, capacity, registration_policy, visibility, "
                "status, uid, sequence, created_at, updated_at) VALUES (%s, 'webinar', 'online', 'Old', '', "
                "now() - interval '30 days', now() - interval '29 days', 'Europe/Rome', '', '', '', '', '[]', NULL, "
                "'open', 'members', 'held', 'old@x', 0, now(), now()) RETURNING id",
                [community.pk],
            )
            (meeting_id,) = cursor.fetchone()
            for description, done, due in (("finished", True, None), ("late", False, "2020-01-01")):
                cursor.execute(
                    'INSERT INTO meetings_actionitem (meeting_id, "order", description, owner_name, due_date, done) '
                    "VALUES (%s, 1, %s, '', %s, %s)",
                    [meeting_id, description, due, done],
                )
    finally:
        # Going back to meetings 0006 also unapplied the other apps' migrations that depend on later
        # meetings migrations (knowledge 0007, ...): migrate everything forward again, not only meetings.
        call_command("migrate", verbosity=0)
    statuses = dict(ActionItem.objects.values_list("description", "status"))
    assert statuses == {"finished": "done", "late": "open"}
    late = ActionItem.objects.get(description="late")
    assert late.overdue_notified_at is not None, "no overdue flood for items older than the feature"
    assert services.action_reminders_dispatch() == 0


def test_owners_are_reminded_before_the_due_date_and_told_once_when_it_passed(community, coordinator, on_commit):
    meeting = held(community)
    soon_owner = make_member(community, UserFactory(email="soon@example.org"))
    late_owner = make_member(community, UserFactory(email="late@example.org"))
    today = timezone.localdate()
    items = [
        services.ActionItemData(description="Due soon", owner=soon_owner, due_date=today + timedelta(days=2)),
        services.ActionItemData(description="Late", owner=late_owner, due_date=today - timedelta(days=1)),
        services.ActionItemData(description="Far away", owner=soon_owner, due_date=today + timedelta(days=30)),
        services.ActionItemData(
            description="Already done", owner=late_owner, due_date=today - timedelta(days=3), status="done"
        ),
    ]
    on_commit(services.meeting_close, meeting=meeting, by=coordinator, minutes="m", action_items=items)
    mail.outbox.clear()

    assert on_commit(services.action_reminders_dispatch) == 2
    assert on_commit(services.action_reminders_dispatch) == 0, "a second run finds nothing"
    subjects = sorted((m.to[0], m.subject.removeprefix("[CoP Portal] ")) for m in mail.outbox)
    assert subjects == [("late@example.org", "Overdue: Late"), ("soon@example.org", "Due soon: Due soon")]

    # A new due date means a new reminder, once.
    soon = ActionItem.objects.get(description="Due soon")
    moved = services.ActionItemData(pk=soon.pk, description="Due soon", owner=soon_owner, due_date=today)
    keep = [
        services.ActionItemData(
            pk=item.pk, description=item.description, owner=item.owner, due_date=item.due_date, status=item.status
        )
        for item in ActionItem.objects.exclude(pk=soon.pk)
    ]
    on_commit(services.meeting_close, meeting=meeting, by=coordinator, minutes="m", action_items=[moved, *keep])
    assert on_commit(services.action_reminders_dispatch) == 1
    assert EmailLedger.objects.filter(kind="action_reminder", status=EmailLedger.Status.SENT).count() == 2

    # Overdue tomorrow (as the beat would see it): told once more for the moved item only.
    tomorrow = timezone.now() + timedelta(days=1)
    assert on_commit(services.action_reminders_dispatch, now=tomorrow) == 1
    assert on_commit(services.action_reminders_dispatch, now=tomorrow) == 0


def test_a_notice_for_an_item_changed_since_it_was_claimed_sends_nothing(community, coordinator, member):
    from meetings.follow_up_notifications import send_action_notice

    meeting = held(community)
    item = ActionItem.objects.create(meeting=meeting, description="x", owner=member, due_date=date(2020, 1, 1))
    assert not send_action_notice(item_id=item.pk, event="overdue", owner_id=member.pk, due_date="2019-12-31")
    item.status = ActionItem.Status.DONE
    item.save()
    assert not send_action_notice(item_id=item.pk, event="overdue", owner_id=member.pk, due_date="2020-01-01")
    assert not mail.outbox


# --- The action register ----------------------------------------------------------------------------


@pytest.fixture
def register_data(community, coordinator, member, group):
    today = timezone.localdate()
    meeting = held(community, title="Board one")
    group_meeting = held(community, title="Team meeting", group=group)
    private = GroupFactory(community=community, slug="hidden-team", visibility=Group.Visibility.PRIVATE)
    private_meeting = held(community, title="Private team", group=private)
    ActionItem.objects.create(meeting=meeting, description="Open action", owner=member, due_date=today + timedelta(5))
    ActionItem.objects.create(
        meeting=meeting, description="Overdue action", owner=member, due_date=today - timedelta(5)
    )
    ActionItem.objects.create(meeting=meeting, description="Finished action", status=ActionItem.Status.DONE)
    ActionItem.objects.create(meeting=group_meeting, description="Group action", owner=coordinator)
    ActionItem.objects.create(meeting=private_meeting, description="Private action", owner=coordinator)
    return meeting


def _register(client, community, **params):
    url = reverse("meetings:actions", kwargs={"community_slug": community.slug})
    return client.get(url, params).content.decode()


def test_the_register_filters_open_overdue_and_done_actions_across_meetings(client, community, member, register_data):
    client.force_login(member)
    body = _register(client, community)
    assert "Open action" in body and "Overdue action" in body and "Group action" in body
    assert "Finished action" not in body
    assert "Private action" not in body, "a private group's actions stay behind its wall"
    overdue = _register(client, community, show="overdue")
    assert "Overdue action" in overdue and "Open action" not in overdue
    done = _register(client, community, show="done")
    assert "Finished action" in done and "Open action" not in done
    by_group = _register(client, community, group="team-1")
    assert "Group action" in by_group and "Open action" not in by_group
    mine = _register(client, community, owner="me", show="all")
    assert "Open action" in mine and "Group action" not in mine


def test_the_coordinator_sees_the_private_group_s_actions_and_the_console_links_the_register(
    client, community, coordinator, register_data
):
    client.force_login(coordinator)
    assert "Private action" in _register(client, community)
    console = client.get(reverse("communities:manage", kwargs={"community_slug": community.slug})).content.decode()
    assert "Action register (1 overdue)" in console
    assert reverse("meetings:actions", kwargs={"community_slug": community.slug}) in console


def test_the_group_page_and_the_community_home_link_the_register(client, community, member, group, register_data):
    client.force_login(member)
    page = client.get(reverse("communities:group", kwargs={"community_slug": community.slug, "group_slug": group.slug}))
    assert f"/meetings/actions/?group={group.slug}" in page.content.decode()
    home = client.get(reverse("communities:home", kwargs={"community_slug": community.slug})).content.decode()
    assert reverse("meetings:actions", kwargs={"community_slug": community.slug}) in home


def test_owners_move_their_action_and_others_cannot(client, community, member, register_data):
    item = ActionItem.objects.get(description="Open action")
    url = reverse("meetings:action_status", kwargs={"community_slug": community.slug, "action_pk": item.pk})
    client.force_login(member)
    assert client.post(url, {"status": "in_progress"}).status_code == 302
    item.refresh_from_db()
    assert item.status == ActionItem.Status.IN_PROGRESS and item.status_changed_at is not None

    someone = make_member(community)
    client.force_login(someone)
    client.post(url, {"status": "dropped"})
    item.refresh_from_db()
    assert item.status == ActionItem.Status.IN_PROGRESS

    private = ActionItem.objects.get(description="Private action")
    hidden = reverse("meetings:action_status", kwargs={"community_slug": community.slug, "action_pk": private.pk})
    client.force_login(member)
    assert client.post(hidden, {"status": "done"}).status_code == 404


def test_an_outsider_of_a_members_only_community_gets_no_register(client, community, register_data):
    community.visibility = Community.Visibility.MEMBERS
    community.save()
    client.force_login(UserFactory())
    url = reverse("meetings:actions", kwargs={"community_slug": community.slug})
    assert client.get(url).status_code == 404


# --- The agenda follows a moved meeting ---------------------------------------------------------------


def test_moving_a_meeting_moves_its_agenda_keeping_offsets_across_a_daylight_saving_change(community, coordinator):
    rome = ZoneInfo("Europe/Rome")
    start = datetime(2030, 3, 29, 10, 0, tzinfo=rome)  # Friday before the clocks go forward
    meeting = services.meeting_schedule(
        community=community,
        by=coordinator,
        title="Workshop",
        start=start,
        end=start + timedelta(hours=3),
        time_zone="Europe/Rome",
    )
    services.agenda_item_add(meeting=meeting, by=coordinator, title="Opening", starts_at=start)
    services.agenda_item_add(meeting=meeting, by=coordinator, title="Panel", starts_at=start + timedelta(minutes=90))
    services.agenda_item_add(meeting=meeting, by=coordinator, title="Untimed")

    new_start = datetime(2030, 4, 1, 10, 0, tzinfo=rome)  # Monday after the change (CEST)
    services.meeting_update(meeting=meeting, by=coordinator, start=new_start, end=new_start + timedelta(hours=3))

    items = {item.title: item.starts_at for item in AgendaItem.objects.filter(meeting=meeting)}
    assert items["Opening"] == new_start
    assert items["Panel"] == new_start + timedelta(minutes=90)
    assert items["Panel"].astimezone(rome).hour == 11 and items["Panel"].astimezone(rome).minute == 30
    assert items["Untimed"] is None
    assert services.agenda_items_outside(Meeting.objects.get(pk=meeting.pk)) == []


def test_organisers_are_warned_about_agenda_items_outside_a_shortened_meeting(client, community, coordinator):
    start = (timezone.now() + timedelta(days=10)).replace(second=0, microsecond=0)
    meeting = MeetingFactory(community=community, start=start, end=start + timedelta(hours=3))
    services.agenda_item_add(
        meeting=meeting, by=coordinator, title="Closing words", starts_at=start + timedelta(hours=2)
    )
    client.force_login(coordinator)
    edit = reverse("meetings:edit", kwargs={"community_slug": community.slug, "meeting_pk": meeting.pk})
    from meetings.forms import MeetingForm

    initial = MeetingForm.initial_from(meeting)
    local = start.astimezone(ZoneInfo(meeting.time_zone))
    data = {key: value for key, value in initial.items() if value not in (None, [], "")}
    data.update(
        {
            "start": local.strftime("%Y-%m-%dT%H:%M"),
            "end": (local + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        }
    )
    # Before anything is saved, the form comes back with the item that would fall outside.
    response = client.post(edit, data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "would fall outside the meeting" in body and "Closing words" in body, body[:3000]
    assert Meeting.objects.get(pk=meeting.pk).end == start + timedelta(hours=3)  # nothing saved yet
    (item,) = response.context["agenda_outside"]
    assert re.search(rf'name="agenda_confirmed"\s+value="{item.pk}"', body)
    assert body.index('id="agenda-confirm"') > body.index('class="btn btn-primary"')  # Enter never confirms

    # A confirmation for other items (times changed since) asks again; the right one saves.
    assert client.post(edit, {**data, "agenda_confirmed": "0"}).status_code == 200
    assert Meeting.objects.get(pk=meeting.pk).end == start + timedelta(hours=3)
    response = client.post(edit, {**data, "agenda_confirmed": str(item.pk)})
    assert response.status_code == 302
    assert Meeting.objects.get(pk=meeting.pk).end == start + timedelta(hours=1)
    agenda = client.get(reverse("meetings:agenda", kwargs={"community_slug": community.slug, "meeting_pk": meeting.pk}))
    assert "agenda-outside" in agenda.content.decode()

    # Moving the whole meeting keeps the offsets: nothing falls outside, it saves at once.
    later = local + timedelta(days=1)
    data.update(
        {
            "start": later.strftime("%Y-%m-%dT%H:%M"),
            "end": (later + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
        }
    )
    assert client.post(edit, data).status_code == 302


# --- Who the participants are -----------------------------------------------------------------------


def test_when_attendance_was_taken_the_minutes_reach_only_those_marked_present_walk_ins_included(
    community, coordinator, on_commit
):
    meeting = held(community)
    came = register(meeting, make_member(community, UserFactory(email="came@example.org"))).user
    register(meeting, make_member(community, UserFactory(email="absent@example.org")), attended=False)
    services.walk_in_add(meeting=meeting, by=coordinator, name="Walter Walkin", email="walter@example.org")
    mail.outbox.clear()
    on_commit(
        services.meeting_close,
        meeting=meeting,
        by=coordinator,
        minutes="Present only.",
        mail_to=MeetingOutcome.MailTo.PARTICIPANTS,
        seen_round=0,
    )
    assert sorted(m.to[0] for m in minutes_emails()) == [came.email, "walter@example.org"]


def test_when_attendance_was_not_taken_the_minutes_reach_everyone_registered_with_a_seat(
    community, coordinator, on_commit
):
    meeting = held(community)
    first = register(meeting, make_member(community, UserFactory(email="first@example.org")), attended=False).user
    second = register(meeting, make_member(community, UserFactory(email="second@example.org")), attended=False).user
    Registration.objects.create(
        meeting=meeting, user=make_member(community), status=Registration.Status.WAITLISTED, position=1
    )
    mail.outbox.clear()
    on_commit(
        services.meeting_close,
        meeting=meeting,
        by=coordinator,
        minutes="Everyone registered.",
        mail_to=MeetingOutcome.MailTo.PARTICIPANTS,
        seen_round=0,
    )
    assert sorted(m.to[0] for m in minutes_emails()) == [first.email, second.email]
