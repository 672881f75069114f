"""What the batches of one digest run share: each period's capped candidate lists, read once per run.

A batch of 50 people drawn from the whole network covers nearly every community, so reading the
period's knowledge, meetings and new members for each batch re-read the network's week every
time. A run (one dispatch) now reads them once per period: the newest PARTITION_CAP entries of each
partition the visibility rules decide on, with the partition's count, network-wide. The first
batch of the run that needs a period computes them and keeps them in the cache under the run's
id (and in the process, for the next batches); every batch then only filters them per person
(communities, groups, follows, visibility, what they already saw) in memory, with a few bounded
queries of its own (cop_portal/digests/building.py).

Nothing here decides what a person may see: the lists hold every published entry of the period,
and building.py applies the rules of the scoped querysets to each person, as before; the send
re-checks each entry through the scoped querysets.
"""

from __future__ import annotations

import logging
import pickle
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.core.cache import cache
from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber

from communities.models import Membership, MembershipEvent
from knowledge.models import Answer, Follow, KnowledgeItem
from meetings.models import Meeting

from .periods import Period
from .sending import SECTION_LIMIT

logger = logging.getLogger(__name__)

# A digest shows SECTION_LIMIT entries a section and "and N more": the build reads, of each
# (community, group, visibility) - the unit the visibility rules decide on - only the newest
# PARTITION_CAP items of the period, and the count of the rest, so its cost is bounded by the
# communities' structure and not by how much they publish. The slack covers a person's own items.
PARTITION_CAP = SECTION_LIMIT + 5
_PARTITION = ("community_id", "group_id", "visibility")
# Long texts the build never reads (the send re-reads every entry it shows).
_HEAVY = ("body", "body_html", "summary", "search_vector", "links")
RUN_TTL = 3 * 60 * 60  # a run's lists outlive its batches (and their retries) by far
# The lists are bounded by the network's structure (partitions x PARTITION_CAP), not by its volume;
# past this size (pickled) a network is larger than planned for and each process keeps its own.
MAX_CACHED_BYTES = 32 * 1024 * 1024
# A run needs one list per period it covers (a frequency and a UTC offset of the morning); at full
# scale a benchmark process holding two peaked at 150 MB.
_MEMO_SIZE = 8

JOIN_ACTIONS = (
    MembershipEvent.Action.JOINED,
    MembershipEvent.Action.APPROVED,
    MembershipEvent.Action.INVITATION_ACCEPTED,
)


def _capped(queryset, partition: tuple[str, ...], order: list) -> list:
    """Return the first PARTITION_CAP rows (in order) of each partition of queryset, each with partition_total.

    One query; what the build reads is bounded by the number of partitions (communities, groups,
    threads), not by how much happened in them.
    """
    fields = [F(name) for name in partition]
    return list(
        queryset.annotate(
            partition_rank=Window(RowNumber(), partition_by=fields, order_by=order),
            partition_total=Window(Count("pk"), partition_by=fields),
        ).filter(partition_rank__lte=PARTITION_CAP)
    )


_NEWEST = [F("published_at").desc(), F("pk").desc()]

Partition = tuple[int, int | None, str]  # (community id, group id, visibility) of knowledge items


@dataclass
class Candidates:
    """The capped entries of one window, by what a person's filter looks them up with.

    knowledge: {partition: (newest items, how many the partition holds)}; themed: the same per
    followed theme, counted among the theme's items; item_themes: {item id: followed themes it has}.
    """

    start: datetime
    end: datetime
    knowledge: dict[Partition, tuple[list[KnowledgeItem], int]] = field(default_factory=dict)
    community_partitions: dict[int, list[Partition]] = field(default_factory=dict)
    group_partitions: dict[int, list[Partition]] = field(default_factory=dict)
    themed: dict[int, dict[Partition, tuple[list[KnowledgeItem], int]]] = field(default_factory=dict)
    item_themes: dict[int, set[int]] = field(default_factory=dict)
    meetings: dict[int, list[Meeting]] = field(default_factory=dict)
    joined: dict[int, list[MembershipEvent]] = field(default_factory=dict)
    # {item id: its newest answers}, and {person: the items they asked that have some}.
    answers: dict[int, list[Answer]] = field(default_factory=dict)
    asked: dict[int, set[int]] = field(default_factory=dict)

    def answers_for(self, user_id: int, followed_items: set[int]) -> list[Answer]:
        """Return the answers of the items user_id created or follows, the newest first."""
        items = self.asked.get(user_id, set()) | followed_items
        found = [answer for item_id in items for answer in self.answers.get(item_id, ())]
        return sorted(found, key=lambda answer: (answer.created_at, answer.pk), reverse=True)


def _by_partition(rows: Iterable[KnowledgeItem]) -> dict[Partition, tuple[list[KnowledgeItem], int]]:
    partitions: dict[Partition, tuple[list[KnowledgeItem], int]] = {}
    for item in rows:
        key = (item.community_id, item.group_id, item.visibility)
        partitions.setdefault(key, ([], item.partition_total))[0].append(item)
    return partitions


def compute(
    *,
    start: datetime,
    end: datetime,
    now: datetime,
    communities: set[int] | None = None,
    groups: set[int] | None = None,
    themes: set[int] | None = None,
    people: list[int] | None = None,
    items: set[int] | None = None,
) -> Candidates:
    """Read the capped candidates of [start, end) as of now: five queries (four without themes).

    communities, groups, themes, people and items None: the whole network (a run's shared lists;
    themes are those anyone follows). Given: only what those bring (a lone batch, as the build
    always did; answers to the items people created and to items). A partition is read whole or
    not at all, so its newest entries are the same either way.
    """
    candidates = Candidates(start=start, end=end)
    published = KnowledgeItem.objects.published().filter(published_at__gte=start, published_at__lt=end)
    if communities is not None:
        published = published.filter(Q(community_id__in=communities) | Q(group_id__in=groups or ()))
    rows = _capped(published.defer(*_HEAVY).select_related("community", "group"), _PARTITION, _NEWEST)
    candidates.knowledge = _by_partition(rows)
    for key in candidates.knowledge:
        candidates.community_partitions.setdefault(key[0], []).append(key)
        if key[1] is not None:
            candidates.group_partitions.setdefault(key[1], []).append(key)

    followed = Follow.objects.filter(theme__isnull=False).values("theme_id") if themes is None else themes
    if themes is None or themes:
        # The newest items of each partition and followed theme, network-wide: the themed news of
        # places a person does not belong to, and the themes of every item above (an item among
        # the newest of its partition is among the newest of its partition with any of its themes).
        tagged = _capped(
            KnowledgeItem.objects.published()
            .filter(published_at__gte=start, published_at__lt=end, themes__id__in=followed)
            .annotate(theme_id=F("themes__id"))
            .defer(*_HEAVY)
            .select_related("community", "group"),
            (*_PARTITION, "theme_id"),
            _NEWEST,
        )
        by_theme: dict[int, list[KnowledgeItem]] = defaultdict(list)
        for item in tagged:
            by_theme[item.theme_id].append(item)
            candidates.item_themes.setdefault(item.pk, set()).add(item.theme_id)
        candidates.themed = {theme: _by_partition(found) for theme, found in by_theme.items()}
        # The counts are the tuples'; an item read twice (as news and as a theme's) is kept once.
        read = {item.pk: item for item in rows}
        for partitions in candidates.themed.values():
            for found, _total in partitions.values():
                found[:] = [read.setdefault(item.pk, item) for item in found]

    meetings = Meeting.objects.filter(
        created_at__gte=start,
        created_at__lt=end,
        status=Meeting.Status.SCHEDULED,
        start__gt=now,
        registration_policy__in=[Meeting.RegistrationPolicy.OPEN, Meeting.RegistrationPolicy.APPROVAL],
    ).filter(Q(registration_deadline__isnull=True) | Q(registration_deadline__gt=now))
    if communities is not None:
        meetings = meetings.filter(community_id__in=communities)
    found = _capped(
        meetings.select_related("community", "group"), ("community_id", "group_id"), [F("start").asc(), F("pk").asc()]
    )
    for meeting in sorted(found, key=lambda meeting: (meeting.start, meeting.pk)):
        candidates.meetings.setdefault(meeting.community_id, []).append(meeting)

    events = MembershipEvent.objects.filter(
        created_at__gte=start,
        created_at__lt=end,
        action__in=JOIN_ACTIONS,
        membership__group__isnull=True,
        membership__status=Membership.Status.ACTIVE,
        membership__user__is_active=True,
        membership__user__listed_in_directory=True,
    )
    if communities is not None:
        events = events.filter(membership__community_id__in=communities)
    joined = _capped(
        events.select_related("membership__user", "membership__community"),
        ("membership__community_id",),
        [F("created_at").desc(), F("pk").desc()],
    )
    for event in sorted(joined, key=lambda event: (event.created_at, event.pk), reverse=True):
        candidates.joined.setdefault(event.membership.community_id, []).append(event)

    answers = Answer.objects.filter(
        created_at__gte=start, created_at__lt=end, item__status=KnowledgeItem.Status.PUBLISHED
    )
    if people is not None:
        answers = answers.filter(Q(item__created_by_id__in=people) | Q(item_id__in=items or ()))
    found = _capped(
        answers.defer("body", "body_html", *(f"item__{name}" for name in _HEAVY)).select_related(
            "item__community", "item__group", "author"
        ),
        ("item_id",),
        [F("created_at").desc(), F("pk").desc()],
    )
    for answer in found:
        candidates.answers.setdefault(answer.item_id, []).append(answer)
        if answer.item.created_by_id is not None:
            candidates.asked.setdefault(answer.item.created_by_id, set()).add(answer.item_id)
    _share_places(candidates)
    return candidates


def _share_places(candidates: Candidates) -> None:
    """Make every entry of a community (or group) point to one instance of it, so it is kept (pickled) once."""
    places: dict[tuple[str, int], object] = {}

    def share(entry, name: str) -> None:
        place = getattr(entry, name)
        if place is not None:
            setattr(entry, name, places.setdefault((name, place.pk), place))

    items = [item for rows, _total in candidates.knowledge.values() for item in rows]
    items += [item for partitions in candidates.themed.values() for rows, _t in partitions.values() for item in rows]
    items += [answer.item for found in candidates.answers.values() for answer in found]
    for entry in [*items, *(m for found in candidates.meetings.values() for m in found)]:
        share(entry, "community")
        share(entry, "group")
    for found in candidates.joined.values():
        for event in found:
            share(event.membership, "community")


# This process's copies of the runs' lists (the newest few), so its next batches read neither the
# database nor the cache.
_memo: OrderedDict[str, Candidates] = OrderedDict()


def _key(run: str, period: Period, now: datetime) -> str:
    run = "".join(c for c in run if c.isalnum())[:64]
    return f"digests:candidates:{run}:{now.isoformat()}:{period.start.isoformat()}:{period.end.isoformat()}"


def _from_cache(key: str) -> Candidates | None:
    try:
        data = cache.get(key)
    except Exception:  # the cache is a shortcut: without it each process reads its own lists
        logger.warning("digest candidates: cache unavailable", exc_info=True)
        return None
    if not isinstance(data, bytes):
        return None
    try:
        candidates = pickle.loads(data)  # noqa: S301 - written by for_run below, in our own cache
    except Exception:  # a copy from another version of the code: read the lists again
        logger.warning("digest candidates: unreadable copy in the cache", exc_info=True)
        return None
    return candidates if isinstance(candidates, Candidates) else None


def _to_cache(key: str, candidates: Candidates) -> None:
    data = pickle.dumps(candidates, protocol=pickle.HIGHEST_PROTOCOL)
    if len(data) > MAX_CACHED_BYTES:
        logger.warning("digest candidates: %d bytes, over %d: not kept in the cache", len(data), MAX_CACHED_BYTES)
        return
    try:
        cache.set(key, data, RUN_TTL)
    except Exception:
        logger.warning("digest candidates: cache unavailable", exc_info=True)


def for_run(run: str, now: datetime) -> Callable[[Period], Candidates]:
    """Return the lookup of a run's candidates by period: this process's copy, the cache's, or read and kept.

    The first batch of the run (in any process) that needs a period reads its lists (compute) and
    keeps them in the cache for RUN_TTL, when they are at most MAX_CACHED_BYTES; each process keeps
    its last _MEMO_SIZE in memory.
    """

    def lookup(period: Period) -> Candidates:
        key = _key(run, period, now)
        if key in _memo:
            _memo.move_to_end(key)
            return _memo[key]
        candidates = _from_cache(key)
        if candidates is None:
            candidates = compute(start=period.start, end=period.end, now=now)
            _to_cache(key, candidates)
        _memo[key] = candidates
        while len(_memo) > _MEMO_SIZE:
            _memo.popitem(last=False)
        return candidates

    return lookup
