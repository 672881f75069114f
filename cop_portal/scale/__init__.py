"""Network-scale data for measuring: `python manage.py seed_scale --scale F [--seed N]`.

At F = 1.0 it adds 50 communities' worth of data to what `seed_demo` made: 500 groups, 100,000 people,
20,000 organisations, 200,000 meetings, 2,000,000 registrations, 1,000,000 knowledge items and
20,000 discussion threads with 100,000 posts (each size at least a small minimum, so that a tiny F
still has every kind of row). The five demo communities take their share (REBUILD the largest, so its
coordinator's console and reports are the heavy case), and the demo's `member.rebuild@cop.demo` and
`coordinator.rebuild@cop.demo`, when present, become heavy users: many communities and groups, many
registrations and follows.

Rows are written as the portal writes them: memberships active with their JOINED events and
guardian's permission rows as `permissions_sync` leaves them; knowledge items with rendered bodies,
authors, themes (taggit rows) and the stored search vector that `search_vector_update` computes
(in bulk SQL, same weights and text configurations). Inserts use COPY on PostgreSQL and bulk_create
elsewhere (SQLite works at tiny scales).

Deterministic for a given seed: the same F and seed give the same rows, with dates relative to the
day the seed runs. It runs once per database: a second run is refused (communities whose slug starts
with "scale-" exist), because adding the same network twice would only double it.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone

from communities import directory_counts
from knowledge import list_cache

from .writer import Writer

PREFIX = "scale-"

FULL = {
    "communities": 50,
    "groups": 500,
    "people": 100_000,
    "organisations": 20_000,
    "meetings": 200_000,
    "registrations": 2_000_000,
    "items": 1_000_000,
    "threads": 20_000,
    "posts": 100_000,
    "follows": 30_000,
}
MINIMUM = {
    "communities": 2,
    "groups": 4,
    "people": 60,
    "organisations": 10,
    "meetings": 40,
    "registrations": 200,
    "items": 100,
    "threads": 10,
    "posts": 30,
    "follows": 20,
}


class AlreadySeeded(Exception):
    """The database already holds the scale data."""


def sizes(scale: float) -> dict[str, int]:
    """Return how many rows of each kind F = scale asks for (never fewer than MINIMUM)."""
    return {name: max(MINIMUM[name], round(full * scale)) for name, full in FULL.items()}


@dataclass
class Seeder:
    """What the steps share: the random generator, the writer and the ids made so far."""

    scale: float
    seed: int
    log: object = print
    rng: random.Random = field(init=False)
    now: object = field(init=False)
    writer: Writer = field(init=False)
    size: dict = field(init=False)
    communities: list = field(default_factory=list)  # Community objects, demo ones first
    weights: list = field(default_factory=list)
    groups: dict = field(default_factory=dict)  # community id -> [Group]
    members: dict = field(default_factory=dict)  # community id -> [user id] (active)
    group_members: dict = field(default_factory=dict)  # group id -> [user id] (active)
    people: list = field(default_factory=list)
    organisations: list = field(default_factory=list)
    heavy: dict = field(default_factory=dict)  # "member"/"coordinator" -> User
    tags: dict = field(default_factory=dict)  # name -> tag id
    vocabulary: dict = field(default_factory=dict)  # community id -> [theme name]
    meetings: list = field(default_factory=list)  # (id, community id, group id, start, end, status)
    items: list = field(default_factory=list)  # (id, community id)

    def __post_init__(self):
        self.rng = random.Random(self.seed)
        # Dates are relative to the day of the run (midnight UTC), so "upcoming" stays upcoming.
        self.now = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
        self.writer = Writer(self.now)
        self.size = sizes(self.scale)

    def when(self, days_before: int, days_after: int = 0):
        """Return a moment between days_before ago and days_after ahead, on a quarter hour."""
        minutes = self.rng.randrange(-days_before * 96, days_after * 96 + 1) * 15
        return self.now + timedelta(minutes=minutes)

    def pick_community(self, index: int | None = None):
        """Return a community for the index-th object: each new community first, then by weight.

        So every new community gets at least one meeting, item and thread, whatever the scale
        and whatever the database held before.
        """
        new = getattr(self, "new_communities", [])
        if index is not None and index < len(new):
            return new[index]
        return self.rng.choices(self.communities, weights=self.weights)[0]


def seed_scale(*, scale: float, seed: int = 1, log=print) -> dict[str, int]:
    """Add the network-scale data in one transaction and return how many rows of each model were written."""
    from communities.models import Community

    from . import content, people, talk

    if Community.objects.filter(slug__startswith=PREFIX).exists():
        raise AlreadySeeded("The scale data is already in this database; seed_scale runs once per database.")
    seeder = Seeder(scale=scale, seed=seed, log=log)
    steps = [
        ("organisations and people", people.seed_people),
        ("communities and groups", people.seed_communities),
        ("memberships and permissions", people.seed_memberships),
        ("meetings and registrations", content.seed_meetings),
        ("knowledge", content.seed_knowledge),
        ("follows", content.seed_follows),
        ("discussions", talk.seed_discussions),
    ]
    with transaction.atomic():
        for label, step in steps:
            started = time.perf_counter()
            step(seeder)
            log(f"  {label}: {time.perf_counter() - started:.1f} s")
        # The memberships were written with COPY, without the signals that renew the directory's counts.
        directory_counts.changed()
        list_cache.names_changed()  # and the knowledge lists' kept counts and suggestions
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        # VACUUM too, not only ANALYZE: the visibility map of freshly written tables is empty, so
        # index-only scans (the directory's member counts) read every heap page until it runs
        # (480 -> 76 ms at full scale). VACUUM cannot run in a transaction (a test's, for one).
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
    elif connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return dict(seeder.writer.counts)
