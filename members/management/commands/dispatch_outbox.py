"""Publish the outbox rows still pending (what the beat task members.dispatch_outbox does), once, now."""

from django.core.management.base import BaseCommand

from members.outbox import dispatch


class Command(BaseCommand):
    help = "Hand the pending outbox messages to the broker (or run them here when tasks are eager)."

    def handle(self, *args, **options):
        published = dispatch()
        self.stdout.write(f"{published} outbox message(s) published.")
