"""The migration that gives people already registered for upcoming meetings their reminders."""

from datetime import timedelta
from importlib import import_module

from django.apps import apps
from django.utils import timezone

from meetings.models import Registration, Reminder
from members.notifications import notification_preferences_update
from tests.factories import make_member
from tests.notifications.conftest import future_meeting

backfill = import_module("meetings.migrations.0003_backfill_reminders").backfill


def test_registrations_made_before_reminders_existed_get_theirs_once(community):
    upcoming = future_meeting(community, days=4)
    soon = future_meeting(community, start=(timezone.now() + timedelta(minutes=30)).replace(microsecond=0))
    plain, custom = make_member(community), make_member(community)
    notification_preferences_update(
        user=custom, reminders_enabled=True, reminder_offsets=[2880], digest_frequency="weekly", updates_enabled=True
    )
    for meeting in (upcoming, soon):
        for person in (plain, custom):
            Registration.objects.create(meeting=meeting, user=person)  # as before reminders: no rows
    Registration.objects.create(meeting=upcoming, email="walkin@example.org", name="Walk-in")

    backfill(apps, None)
    backfill(apps, None)

    rows = set(Reminder.objects.values_list("meeting_id", "registration__user_id", "offset_minutes"))
    assert rows == {(upcoming.pk, plain.pk, 1440), (upcoming.pk, plain.pk, 60), (upcoming.pk, custom.pk, 2880)}
    assert all(r.due_at > timezone.now() for r in Reminder.objects.all())
