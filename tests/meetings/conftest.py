import pytest

from communities.models import Membership
from tests.factories import CommunityFactory, GroupFactory, UserFactory, make_member


@pytest.fixture
def community(db):
    return CommunityFactory(slug="rebuild-test", name="REBUILD test")


@pytest.fixture
def coordinator(community):
    return make_member(community, UserFactory(full_name="Cora Coordinator"), role=Membership.Role.COORDINATOR)


@pytest.fixture
def group(community):
    return GroupFactory(community=community, slug="team-1", name="Coordination team 1")


@pytest.fixture
def facilitator(community, group):
    user = make_member(community, UserFactory(full_name="Fabio Facilitator"))
    make_member(community, user, role=Membership.Role.FACILITATOR, group=group)
    return user


@pytest.fixture
def member(community):
    return make_member(community, UserFactory(full_name="Mona Member", time_zone="Africa/Tripoli"))
