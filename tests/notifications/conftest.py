"""Fixtures of the notifications tests: communities with members, meetings, and helpers to read emails."""

import email
import zoneinfo
from datetime import datetime, time, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from communities.models import Membership
from tests.factories import CommunityFactory, GroupFactory, UserFactory, make_member
from tests.meetings.factories import MeetingFactory

ROME = zoneinfo.ZoneInfo("Europe/Rome")
TRIPOLI = zoneinfo.ZoneInfo("Africa/Tripoli")  # the `member` fixture's zone: an hour ahead of Rome in winter


def in_the_split_monday_hour(now) -> bool:
    """Whether the weekly digest morning (Monday 07:00) has passed in one of the tests' zones and not in the other.

    In that hour (Monday 05:00-06:00 UTC in winter) no single Monday is a digest moment whose period contains
    now for both a person in Rome and one in Tripoli: Tripoli's week has ended, Rome's has not. The tests
    picked Rome's Monday, and the Tripoli member's news fell into the next week (the CI of 2026-12-07 05:50 UTC).
    """
    local = [now.astimezone(zone) for zone in (ROME, TRIPOLI)]
    passed = [moment.weekday() == 0 and moment.time() >= time(7) for moment in local]
    return any(passed) and not all(passed)


@pytest.fixture(autouse=True)
def _clear_of_the_split_monday_hour(monkeypatch):
    """Run the notification tests two hours earlier in that hour (the clock is the only thing moved)."""
    real = timezone.now
    if in_the_split_monday_hour(real()):
        monkeypatch.setattr(timezone, "now", lambda: real() - timedelta(hours=2))


@pytest.fixture
def community(db):
    return CommunityFactory(slug="rebuild-notify", name="REBUILD notify")


@pytest.fixture
def coordinator(community):
    return make_member(community, UserFactory(full_name="Cora Coordinator"), role=Membership.Role.COORDINATOR)


@pytest.fixture
def group(community):
    return GroupFactory(community=community, slug="team-notify", name="Coordination team")


@pytest.fixture
def member(community):
    return make_member(community, UserFactory(full_name="Mona Member", time_zone="Africa/Tripoli"))


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Run a service and the tasks it enqueues on commit (Celery is eager in tests), as a real commit would."""

    def run(function, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(**kwargs)

    return run


def future_meeting(community, *, days=3, **kwargs):
    start = (timezone.now() + timedelta(days=days)).replace(microsecond=0, second=0)
    kwargs.setdefault("start", start)
    kwargs.setdefault("end", kwargs["start"] + timedelta(hours=1))
    return MeetingFactory(community=community, **kwargs)


def rome(year, month, day, hour, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ROME)


def html_part(message) -> str:
    for content, mimetype in message.alternatives:
        if mimetype == "text/html":
            return content
    raise AssertionError("no HTML part")


def emails_to(address: str) -> list:
    return [m for m in mail.outbox if address in m.to]


def parsed(message) -> email.message.Message:
    """Return the message as a mail client would receive it (all headers and parts, after encoding)."""
    return email.message_from_bytes(message.message().as_bytes())
