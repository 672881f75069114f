"""Fixtures of the reports tests: the seeded demo data and small communities built with factories."""

import pytest

from communities.models import Community, Membership
from tests.factories import CommunityFactory, UserFactory, make_member


@pytest.fixture
def seeded(demo_data):
    """The demo data (seed_demo seeds meetings and knowledge too), seeded once for the session."""


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path):
    """Keep the files of each test (knowledge uploads of the seed) in its own directory."""
    settings.KNOWLEDGE_FILES_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.KNOWLEDGE_FILES_ROOT


@pytest.fixture
def cop(db):
    return CommunityFactory(slug="cop", name="Report CoP", accent_color="#8a4b08")


@pytest.fixture
def coordinator(cop):
    return make_member(cop, UserFactory(full_name="Cora Coordinator"), role=Membership.Role.COORDINATOR)


@pytest.fixture
def members_only(db):
    return CommunityFactory(slug="closed-cop", name="Closed CoP", visibility=Community.Visibility.MEMBERS)
