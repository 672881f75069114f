"""Give the people already registered for upcoming meetings their reminders (the rows did not exist before).

Only moments still ahead are created; the offsets are each person's (a day and an hour by default).
Running it again creates nothing more (one row per registration and offset).
"""

from datetime import timedelta

from django.db import migrations
from django.utils import timezone

DEFAULT_OFFSETS = [1440, 60]


def backfill(apps, schema_editor):
    Registration = apps.get_model("meetings", "Registration")
    Reminder = apps.get_model("meetings", "Reminder")
    NotificationPreference = apps.get_model("members", "NotificationPreference")
    now = timezone.now()
    registrations = Registration.objects.filter(
        status="registered",
        user__isnull=False,
        user__is_active=True,
        meeting__status="scheduled",
        meeting__start__gt=now,
    ).select_related("meeting")
    preferences = {
        p.user_id: (p.reminder_offsets if p.reminders_enabled else [])
        for p in NotificationPreference.objects.filter(user_id__in=registrations.values("user_id"))
    }
    existing = set(Reminder.objects.filter(registration__isnull=False).values_list("registration_id", "offset_minutes"))
    rows = []
    for registration in registrations.iterator(chunk_size=2000):
        for offset in preferences.get(registration.user_id, DEFAULT_OFFSETS):
            due = registration.meeting.start - timedelta(minutes=int(offset))
            if due > now and (registration.pk, int(offset)) not in existing:
                rows.append(
                    Reminder(
                        meeting_id=registration.meeting_id,
                        registration=registration,
                        offset_minutes=int(offset),
                        due_at=due,
                    )
                )
    Reminder.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0002_reminders"),
        ("members", "0003_notification_preferences_and_email_ledger"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
