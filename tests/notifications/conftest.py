"""Fixtures of the notifications tests: communities with members, meetings, and helpers to read emails."""

import email
import zoneinfo
from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from communities.models import Membership
from tests.factories import CommunityFactory, GroupFactory, UserFactory, make_member
from tests.meetings.factories import MeetingFactory

ROME = zoneinfo.ZoneInfo("Europe/Rome")


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
