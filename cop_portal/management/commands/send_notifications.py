"""Run the notification dispatchers once: due reminders and due digests.

In production Celery beat runs them (every minute and every 15 minutes). Without a beat (`make
run`, where tasks run eagerly and emails go to the console) this command does the same once, and
`--now` lets anyone see what would go out at another moment:

    .venv/bin/python manage.py send_notifications
    .venv/bin/python manage.py send_notifications --now 2026-11-30T07:30+01:00
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from cop_portal.digests import dispatch as digests_dispatch
from meetings.reminders import reminders_dispatch


class Command(BaseCommand):
    help = "Send the reminders and digests due now (or at --now), as the beat tasks do."

    def add_arguments(self, parser):
        parser.add_argument("--now", help="ISO 8601 moment with its offset, e.g. 2026-11-30T07:30+01:00")

    def handle(self, *args, now=None, **options):
        moment = timezone.now()
        if now:
            moment = parse_datetime(now)
            if moment is None or timezone.is_naive(moment):
                raise CommandError("Give --now as an ISO 8601 moment with its offset, e.g. 2026-11-30T07:30+01:00.")
        reminders = reminders_dispatch(now=moment)
        people = digests_dispatch(now=moment)
        self.stdout.write(f"Reminders enqueued: {reminders}. Digests being built for: {people} people.")
