"""Fixtures of the design tests: a community as full as a real one, and a server with production static files."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test.utils import override_settings
from django.utils import timezone

from communities.models import Membership, PartnerRole, Partnership
from knowledge.models import KnowledgeItem
from tests.factories import CommunityFactory, GroupFactory, OrganizationFactory, UserFactory, make_member
from tests.knowledge.helpers import make_item
from tests.meetings.factories import MeetingFactory

PASSWORD = "a-long-test-password"
RESULTS_DIR = Path(__file__).resolve().parent.parent.parent / "test-results"


@pytest.fixture(autouse=True)
def _private_files(settings, tmp_path):
    """Keep knowledge files and media of each test in its own directory."""
    settings.KNOWLEDGE_FILES_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"


def build_world() -> dict:
    """Make a community the size of a real one, and four more for the directory.

    Ten groups, twenty partner organisations, a coordinator, two facilitators and thirty
    members, five upcoming meetings and six published knowledge items, all public.
    """
    community = CommunityFactory(
        slug="rete-lavoro",
        name="Rete Lavoro",
        tagline="Municipalities and universities learning from each other about local employment.",
        description="We meet every month online and twice a year in person. " * 6,
        languages=["en", "it", "ar"],
        accent_color="#f5c400",  # a light accent: the portal must still show it readably
        countries=["IT", "LY", "TN"],
    )
    for n in range(4):
        CommunityFactory(name=f"Neighbour network {n}", accent_color=["#7a1f1f", "#1f7a3a", "#5b2a86", "#0b5563"][n])
    coordinator = make_member(
        community,
        UserFactory(full_name="Cora Coordinator", organization=OrganizationFactory(name="Comune di Prova")),
        role=Membership.Role.COORDINATOR,
    )
    groups = [GroupFactory(community=community, name=f"Working group {n + 1}") for n in range(10)]
    for n, group in enumerate(groups[:2]):
        make_member(community, UserFactory(full_name=f"Facilitator {n}"), role=Membership.Role.FACILITATOR, group=group)
    members = [make_member(community, UserFactory(organization=OrganizationFactory())) for _ in range(30)]
    role = PartnerRole.objects.create(community=community, name="Partner municipality")
    for n in range(20):
        organization = OrganizationFactory(name=f"Municipality {n}", website=f"https://municipality{n}.example.org")
        Partnership.objects.create(community=community, organization=organization, role=role)
    now = timezone.now().replace(microsecond=0)
    meetings = [
        MeetingFactory(
            community=community,
            title=f"Monthly partnership meeting {n + 1}",
            description="Agenda: progress of the working groups, the next training, any other business. " * 4,
            start=now + timedelta(days=7 * (n + 1)),
            end=now + timedelta(days=7 * (n + 1), hours=2),
            capacity=40,
        )
        for n in range(5)
    ]
    items = [
        make_item(
            community,
            author=members[n],
            title=f"Lesson {n + 1}: keeping a partnership alive across three countries",
            summary="What ten coordination teams learnt about working together despite distance.",
            body=("We met online every month and kept shared notes. " * 30),
            visibility=KnowledgeItem.Visibility.PUBLIC,
            themes=["networking", "remote collaboration"],
        )
        for n in range(6)
    ]
    return {
        "community": community,
        "coordinator": coordinator,
        "members": members,
        "groups": groups,
        "meetings": meetings,
        "items": items,
    }


@pytest.fixture
def world(transactional_db):
    return build_world()


@pytest.fixture(scope="session")
def production_static(tmp_path_factory):
    """Collect the static files as production does: hashed names, .gz and .br beside each file."""
    root = tmp_path_factory.mktemp("staticfiles")
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    overrides = {
        "STATIC_ROOT": root,
        "STORAGES": storages,
        "WHITENOISE_USE_FINDERS": False,
        "WHITENOISE_AUTOREFRESH": False,
    }
    with override_settings(**overrides):
        # The admin's files are not used by the pages measured here.
        call_command("collectstatic", interactive=False, verbosity=0, ignore_patterns=["admin", "admin/*"])
    return overrides


@pytest.fixture
def production_server(production_static, transactional_db):
    """Serve the portal as production does: static files through WhiteNoise from the collected, compressed copy.

    pytest-django's live_server serves static files through Django's finders, uncompressed and
    uncached; this server puts nothing in front of the WSGI handler, so WhiteNoise answers.
    """
    from django.db import connections
    from django.test.testcases import LiveServerThread

    with override_settings(**production_static):
        overrides = {
            conn.alias: conn for conn in connections.all() if conn.vendor == "sqlite" and conn.is_in_memory_db()
        }
        thread = LiveServerThread("localhost", static_handler=lambda handler: handler, connections_override=overrides)
        thread.daemon = True
        for conn in overrides.values():
            conn.inc_thread_sharing()
        thread.start()
        thread.is_ready.wait()
        if thread.error:
            raise thread.error
        try:
            yield f"http://localhost:{thread.port}"
        finally:
            thread.terminate()
            for conn in overrides.values():
                conn.dec_thread_sharing()


def safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-")[:120]


class Steps:
    """Run a browser journey step by step; a failing step leaves a screenshot in test-results/.

    with steps("register for a meeting"):
        ...
    """

    def __init__(self, page, test_name: str):
        self.page = page
        self.test_name = safe_name(test_name)
        self.done: list[str] = []

    def __call__(self, step: str):
        return _Step(self, step)


class _Step:
    def __init__(self, steps: Steps, name: str):
        self.steps = steps
        self.name = name

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.steps.done.append(self.name)
            return False
        RESULTS_DIR.mkdir(exist_ok=True)
        path = RESULTS_DIR / f"{self.steps.test_name}-{safe_name(self.name)}.png"
        try:
            self.steps.page.screenshot(path=str(path), full_page=True)
        except Exception:  # noqa: BLE001 - a page that cannot be drawn must not hide the real failure
            path = None
        note = f"step '{self.name}' failed (after: {', '.join(self.steps.done) or 'nothing'})"
        if path:
            note += f"; screenshot: {path}"
        if exc is not None and hasattr(exc, "add_note"):
            exc.add_note(note)
        return False
