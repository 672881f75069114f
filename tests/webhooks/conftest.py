import pytest
from django.test import override_settings

from communities.models import Community, Membership
from communities.webhooks.services import endpoint_create
from tests.factories import CommunityFactory, UserFactory, make_member
from tests.webhooks.receiver import start_receiver

ALL_EVENTS = [
    "meeting.created",
    "meeting.changed",
    "meeting.cancelled",
    "registration.created",
    "registration.cancelled",
    "member.joined",
    "member.left",
    "item.published",
]


@pytest.fixture
def receiver():
    receiver = start_receiver()
    yield receiver
    receiver.server.shutdown()
    receiver.server.server_close()


@pytest.fixture
def allow_local():
    with override_settings(WEBHOOKS_ALLOW_HTTP=True):
        yield


@pytest.fixture
def hooked(db, receiver, allow_local):
    """A public open community whose coordinator registered the receiver for every event."""
    community = CommunityFactory(visibility=Community.Visibility.PUBLIC, join_policy=Community.JoinPolicy.OPEN)
    coordinator = make_member(community, UserFactory(full_name="Cora Coordinator"), role=Membership.Role.COORDINATOR)
    endpoint = endpoint_create(community=community, by=coordinator, url=receiver.url, events=ALL_EVENTS)
    return {"community": community, "coordinator": coordinator, "endpoint": endpoint, "receiver": receiver}
