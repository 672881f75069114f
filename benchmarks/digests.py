"""Benchmark: build the weekly digests of 10,000 people and report digests per second and queries per batch.

Not a test: it creates its own data (bulk_create) on the configured database, times
cop_portal.digests.build_digests batch by batch, prints the numbers and deletes what it made.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cop_bench .venv/bin/python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cop_bench .venv/bin/python benchmarks/digests.py

With --scale-data it builds instead the weekly digests of every person already in the database
(after `manage.py seed_scale --scale F`: about 5,000 people at 0.05), reads nothing it created, and
prints people per second and the projected time for 100,000 people on --workers processes.

Options: --people N (default 10000), --batch N (default cop_portal.digests.BATCH_SIZE),
--render N (also render that many non-empty digests, through the send path's re-checks, without
sending), --keep (leave the data in place). Use a database of its own: the data is removed at the
end, but a run that is interrupted leaves it behind (slugs and addresses start with "bench-").
"""

from __future__ import annotations

import argparse
import os
import pickle
import random
import resource
import statistics
import sys
import time
import uuid
from datetime import datetime, timedelta
from datetime import time as clock
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cop_portal.settings.development")

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Max  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from communities.models import Community, Group, Membership, MembershipEvent  # noqa: E402
from communities.services import membership_grant  # noqa: E402
from cop_portal import digests  # noqa: E402
from cop_portal.digests import shared  # noqa: E402
from knowledge.models import Answer, Follow, KnowledgeItem  # noqa: E402
from meetings.models import Meeting  # noqa: E402
from members.models import User  # noqa: E402

PREFIX = "bench-"
ZONES = ["Europe/Rome", "Africa/Tripoli", "Africa/Tunis", "Europe/Brussels"]
ROME = "Europe/Rome"


def monday_morning(at: datetime | None = None) -> datetime:
    """Return the next Monday 08:00 in Rome whose weekly period contains at, now by default (Tripoli and Tunis
    are due too)."""
    import zoneinfo

    zone = zoneinfo.ZoneInfo(ROME)
    local = (at or timezone.now()).astimezone(zone)
    days = (7 - local.weekday()) % 7 or (7 if local.time() >= clock(7) else 0)
    return datetime.combine(local.date() + timedelta(days=days), clock(8), tzinfo=zone)


@transaction.atomic
def create_data(people: int, rng: random.Random) -> list[int]:
    """Create communities, groups, people, memberships, follows and a week of content; return the people's ids."""
    started = time.perf_counter()
    communities = Community.objects.bulk_create(
        Community(
            slug=f"{PREFIX}community-{index}",
            name=f"Bench community {index}",
            visibility=Community.Visibility.PUBLIC if index % 2 else Community.Visibility.MEMBERS,
        )
        for index in range(20)
    )
    groups = Group.objects.bulk_create(
        Group(community=community, slug=f"{PREFIX}group-{index}", name=f"Bench group {community.pk}-{index}")
        for community in communities
        for index in range(4)
    )
    users = User.objects.bulk_create(
        User(
            email=f"{PREFIX}person-{index}@example.invalid",
            full_name=f"Bench Person {index}",
            password=UNUSABLE_PASSWORD_PREFIX,  # nobody signs in as a benchmark person
            time_zone=ZONES[index % len(ZONES)],
            language=["en", "it", "ar"][index % 3],
        )
        for index in range(people)
    )
    memberships = []
    for user in users:
        for community in rng.sample(communities, k=rng.randint(1, 3)):
            memberships.append(Membership(user=user, community=community, status=Membership.Status.ACTIVE))
            if rng.random() < 0.3:
                group = rng.choice([g for g in groups if g.community_id == community.pk])
                memberships.append(
                    Membership(user=user, community=community, group=group, status=Membership.Status.ACTIVE)
                )
    memberships = Membership.objects.bulk_create(memberships, batch_size=5000)
    week_ago = timezone.now() - timedelta(days=3)
    MembershipEvent.objects.bulk_create(
        [
            MembershipEvent(membership=m, action=MembershipEvent.Action.JOINED)
            for m in memberships
            if m.group_id is None and rng.random() < 0.02
        ],
        batch_size=5000,
    )
    for community in communities:  # a coordinator each, through the service (guardian rights)
        membership_grant(user=rng.choice(users), community=community, role=Membership.Role.COORDINATOR)
    items = KnowledgeItem.objects.bulk_create(
        KnowledgeItem(
            community=community,
            slug=f"{PREFIX}item-{community.pk}-{index}",
            title=f"Practice {index} of {community.name}",
            kind=KnowledgeItem.Kind.QUESTION if index % 5 == 0 else KnowledgeItem.Kind.GOOD_PRACTICE,
            status=KnowledgeItem.Status.PUBLISHED,
            visibility=KnowledgeItem.Visibility.COMMUNITY if index % 3 else KnowledgeItem.Visibility.PUBLIC,
            published_at=week_ago + timedelta(minutes=index),
            created_by=rng.choice(users),
        )
        for community in communities
        for index in range(15)
    )
    Answer.objects.bulk_create(
        Answer(item=item, author=rng.choice(users), body="An answer.")
        for item in items
        if item.kind == KnowledgeItem.Kind.QUESTION
    )
    start = timezone.now() + timedelta(days=14)
    Meeting.objects.bulk_create(
        Meeting(
            community=community,
            title=f"Meeting {index} of {community.name}",
            start=start + timedelta(hours=index),
            end=start + timedelta(hours=index + 1),
        )
        for community in communities
        for index in range(3)
    )
    Follow.objects.bulk_create(
        [Follow(user=user, group=rng.choice(groups)) for user in rng.sample(users, k=min(len(users), people // 5))],
        ignore_conflicts=True,
    )
    print(f"created {people} people and their data in {time.perf_counter() - started:.1f}s")
    return [user.pk for user in users]


def delete_data() -> None:
    with transaction.atomic():
        User.objects.filter(email__startswith=PREFIX).delete()
        Community.objects.filter(slug__startswith=PREFIX).delete()


def run(people: int, batch_size: int, render: int, keep: bool) -> None:
    rng = random.Random(6)  # the same data every run
    delete_data()
    ids = create_data(people, rng)
    now = monday_morning()
    batches = [ids[index : index + batch_size] for index in range(0, len(ids), batch_size)]
    queries, seconds, built, non_empty = [], [], 0, []
    lists = shared.for_run(uuid.uuid4().hex, now)  # one run, as dispatch makes it
    for batch in batches:
        users = list(User.objects.filter(pk__in=batch).order_by("pk"))  # as build_batch loads them
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            result = digests.build_digests(users, now=now, shared=lists)
            seconds.append(time.perf_counter() - started)
        queries.append(len(captured))
        built += len(result)
        non_empty += [digest for digest in result if not digest.is_empty]
    total = sum(seconds)
    print(f"database: {connection.vendor} ({connection.settings_dict['NAME']})")
    print(f"digests built: {built} in {len(batches)} batches of {batch_size} ({len(non_empty)} with news)")
    print(f"build time: {total:.2f}s -> {built / total:.0f} digests per second")
    print(
        f"queries per batch: min {min(queries)}, max {max(queries)}, median {statistics.median(queries):.0f} "
        f"(per person: {sum(queries) / built:.2f})"
    )
    print(f"seconds per batch: median {statistics.median(seconds) * 1000:.0f} ms, max {max(seconds) * 1000:.0f} ms")
    _print_lists_and_memory()
    if render:
        from members.notifications import build_message

        sample = non_empty[:render]
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            for digest in sample:
                sections = digests.recheck(user=digest.user, payload=digest.payload(), now=now)
                build_message(
                    to_email=digest.user.email,
                    user=digest.user,
                    template_prefix="emails/digest",
                    context={
                        "recipient": digest.user,
                        "period": digest.period,
                        "period_start": digest.period.start,
                        "weekly": True,
                        **{name: digests._limited(entries) for name, entries in sections.items()},
                        "viewer_zone": digest.user.time_zone,
                        "me_url": "/me/",
                        "consoles": {},
                    },
                    language=digest.user.language,
                    time_zone=digest.user.time_zone,
                    stream="digest",
                )
        elapsed = time.perf_counter() - started
        print(
            f"re-check and render (the send path, without SMTP): {len(sample)} in {elapsed:.2f}s -> "
            f"{len(sample) / elapsed:.0f} per second, {len(captured) / max(1, len(sample)):.1f} queries each"
        )
    if not keep:
        delete_data()


def run_on_scale(batch_size: int, people: int, workers: int, sample: int = 0, tasks: bool = False) -> None:
    """Build the weekly digests of the people already in the database (seed_scale), batch by batch.

    sample N builds for N people drawn at random (seeded) from everyone, so a run of a few minutes
    gives an honest per-person cost for the full network (100,000 people at --scale 1.0).
    tasks: then run the whole batch task (build, ledger skips, outbox rows of the sends) for the same
    batches as a new run, in a transaction rolled back at the end (nothing is kept or sent).
    """
    # The digest whose week holds the data's latest knowledge: seed_scale dates what it writes up to the day it
    # ran, so the Monday after today, as a real run would take, may find a week with no items (the seventh
    # session's run read 0.0 knowledge entries per person).
    latest = KnowledgeItem.objects.published().aggregate(latest=Max("published_at"))["latest"]
    now = monday_morning(latest)
    print(f"the digest of the week to {now:%Y-%m-%d %H:%M %Z}; the latest knowledge: {latest or 'none'}")
    ids = list(User.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True))
    everyone = len(ids)
    if sample:
        ids = sorted(random.Random(15).sample(ids, min(sample, len(ids))))
    elif people:
        ids = ids[:people]
    batches = [ids[index : index + batch_size] for index in range(0, len(ids), batch_size)]
    queries, built, entries, started = [], 0, 0, time.perf_counter()
    seconds: list[float] = []
    sections = ("knowledge", "answers", "meetings", "members", "requests", "posts")
    per_section = dict.fromkeys(sections, 0)
    lists = shared.for_run(uuid.uuid4().hex, now)  # one run, as dispatch makes it
    cpu = database = 0.0
    for batch in batches:
        users = list(User.objects.filter(pk__in=batch).order_by("pk"))
        begun, begun_cpu = time.perf_counter(), time.process_time()
        with CaptureQueriesContext(connection) as captured:
            result = digests.build_digests(users, now=now, shared=lists)
        seconds.append(time.perf_counter() - begun)
        cpu += time.process_time() - begun_cpu
        database += sum(float(query["time"]) for query in captured.captured_queries)
        queries.append(len(captured))
        built += len(result)
        entries += sum(len(digest.knowledge) for digest in result)
        for digest in result:
            for name in sections:
                per_section[name] += len(getattr(digest, name))
    total = time.perf_counter() - started
    rate = built / total
    print(f"database: {connection.vendor} ({connection.settings_dict['NAME']}), scale data, {len(ids)} people")
    print(f"built {built} weekly digests in {total:.1f}s -> {rate:.0f} people per second (one process)")
    print(
        f"queries per batch of {batch_size}: min {min(queries)}, max {max(queries)}, median "
        f"{statistics.median(queries):.0f} (the first batch, which reads the run's lists: {queries[0]})"
    )
    print(f"knowledge entries read per person: {entries / max(1, built):.1f}")
    print("entries kept per person: " + ", ".join(f"{n} {c / max(1, built):.1f}" for n, c in per_section.items()))
    print(
        f"seconds per batch: median {statistics.median(seconds) * 1000:.0f} ms, "
        f"p95 {sorted(seconds)[int(0.95 * len(seconds))] * 1000:.0f} ms, max {max(seconds) * 1000:.0f} ms"
        f" ({len(ids)} of {everyone} people{' sampled at random' if sample else ''})"
    )
    print(f"the first batch (reads the run's lists): {seconds[0] * 1000:.0f} ms")
    print(
        f"per person: {sum(seconds) / built * 1000:.2f} ms, of which this process's CPU {cpu / built * 1000:.2f} ms "
        f"and waiting for the database {database / built * 1000:.2f} ms (the rest: waiting for a core)"
    )
    _print_lists_and_memory()
    # The run's lists are read once (the first batch); the other batches' rate scales to 100,000.
    others = (len(ids) - len(batches[0])) / sum(seconds[1:]) if len(batches) > 1 else rate
    projected = seconds[0] + 100_000 / others / workers
    print(
        f"projected for 100,000 people on {workers} workers: {projected / 60:.1f} minutes (goal: <= 10): "
        f"the first batch, then {others:.0f} people per second per worker"
    )
    if tasks:
        _time_tasks(batches, now, workers)


class _RolledBack(Exception):
    pass


def _time_tasks(batches: list[list[int]], now: datetime, workers: int) -> None:
    """Time digests.build_batch (the task's body) over batches as one new run, then roll everything back."""
    seconds, queued, people = [], 0, sum(len(batch) for batch in batches)
    try:
        with transaction.atomic():
            run_id = uuid.uuid4().hex
            for batch in batches:
                started = time.perf_counter()
                queued += digests.build_batch(user_ids=batch, now=now, run=run_id)
                seconds.append(time.perf_counter() - started)
            raise _RolledBack
    except _RolledBack:
        pass
    rate = (people - len(batches[0])) / sum(seconds[1:]) if len(batches) > 1 else people / seconds[0]
    print(
        f"the batch task (build, ledger, outbox rows; rolled back): {people} people in {sum(seconds):.1f}s, "
        f"the first batch (reads the run's lists) {seconds[0]:.1f}s, the others {rate:.0f} people per second; "
        f"{queued} sends enqueued; 100,000 on {workers} workers: {(seconds[0] + 100_000 / rate / workers) / 60:.1f} "
        "minutes"
    )


def _print_lists_and_memory() -> None:
    """Print the size of the run's shared lists (as kept in the cache) and the process's peak memory."""
    for key, candidates in shared._memo.items():
        size = len(pickle.dumps(candidates, protocol=pickle.HIGHEST_PROTOCOL))
        items = sum(len(rows) for rows, _total in candidates.knowledge.values())
        themed = sum(len(rows) for partitions in candidates.themed.values() for rows, _total in partitions.values())
        meetings = sum(len(found) for found in candidates.meetings.values())
        joined = sum(len(found) for found in candidates.joined.values())
        print(
            f"shared lists {key.split(':', 3)[-1]}: {len(candidates.knowledge)} partitions, {items} items, "
            f"{themed} themed, {meetings} meetings, {joined} new members; {size / 1e6:.1f} MB pickled "
            f"(cache limit {shared.MAX_CACHED_BYTES / 1e6:.0f} MB)"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of the process: {peak:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=digests.BATCH_SIZE)
    parser.add_argument("--render", type=int, default=0)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument(
        "--scale-data",
        action="store_true",
        help="build for the people already in the database (seed_scale) instead of generated ones; --people caps",
    )
    parser.add_argument("--workers", type=int, default=2, help="worker processes assumed for the projection")
    parser.add_argument("--sample", type=int, default=0, help="with --scale-data: N people drawn at random")
    parser.add_argument(
        "--tasks", action="store_true", help="with --scale-data: also time the batch task itself (rolled back)"
    )
    arguments = parser.parse_args()
    if arguments.scale_data:
        run_on_scale(
            arguments.batch,
            arguments.people if arguments.people != 10_000 else 0,
            arguments.workers,
            arguments.sample,
            arguments.tasks,
        )
        return
    run(arguments.people, arguments.batch, arguments.render, arguments.keep)


if __name__ == "__main__":
    main()
