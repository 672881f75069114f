import pytest

from communities.models import Community, Membership
from tests.factories import CommunityFactory, GroupFactory, OrganizationFactory, UserFactory, make_member


@pytest.fixture
def open_community(db):
    return CommunityFactory(slug="open-cop", name="Open CoP", join_policy=Community.JoinPolicy.OPEN)


@pytest.fixture
def approval_community(db):
    return CommunityFactory(slug="approval-cop", name="Approval CoP", join_policy=Community.JoinPolicy.APPROVAL)


@pytest.fixture
def coordinator(approval_community):
    return make_member(approval_community, UserFactory(full_name="Cora Coordinator"), role=Membership.Role.COORDINATOR)


@pytest.fixture
def approval_group(approval_community):
    return GroupFactory(
        community=approval_community, slug="team", name="Team", join_policy=Community.JoinPolicy.APPROVAL
    )


@pytest.fixture
def open_group(approval_community):
    return GroupFactory(
        community=approval_community, slug="open-team", name="Open team", join_policy=Community.JoinPolicy.OPEN
    )


@pytest.fixture
def person(db):
    """Someone from a municipality, in no community yet."""
    return UserFactory(full_name="Pat Person", organization=OrganizationFactory(name="Comune di Prova"))
