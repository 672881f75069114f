"""Fixtures of the reports tests: the seeded demo data and small communities built with factories."""

import pytest
from django.core.management import call_command

from communities.models import Community, Membership
from tests.factories import CommunityFactory, UserFactory, make_member


def seed_everything() -> None:
    """Seed the demo data as `make run` will: communities and people, then meetings, then knowledge.

    seed_demo does not (yet) call the meetings and knowledge seeders, so the tests call
    their public functions themselves.
    """
    call_command("seed_demo", verbosity=0)
    from meetings.demo import seed_meetings

    seed_meetings()
    from knowledge.demo import seed_knowledge

    seed_knowledge()


@pytest.fixture
def seeded(db):
    seed_everything()


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
