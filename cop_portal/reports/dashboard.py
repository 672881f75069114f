"""The parts of the /me/ dashboard: my next meetings, what waits for me, new knowledge in what I follow.

Each part is one or two queries whatever the number of communities, meetings or items
(counts are annotations; lists are sliced), so the dashboard stays constant as data grows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Q, Sum, Window
from django.utils import timezone
from taggit.models import TaggedItem

from communities import permissions
from communities.models import Community, Membership
from communities.selectors_lists import first_and_total, first_of_parts_and_total
from knowledge.models import Follow, KnowledgeItem
from knowledge.models.items import NEWEST
from knowledge.selectors import open_rounds_for_reviewer
from meetings.models import Meeting, Registration
from meetings.selectors import registration_count, upcoming_meetings_for

LIST_LIMIT = 5
FOLLOW_DAYS = 30


@dataclass
class PendingActions:
    """What waits for a person: registrations to approve, reviews due, minutes to write, requests to decide."""

    registrations: list[Meeting] = field(default_factory=list)
    registrations_count: int = 0
    reviews: list = field(default_factory=list)
    reviews_count: int = 0
    minutes: list[Meeting] = field(default_factory=list)
    minutes_count: int = 0
    requests: list[dict] = field(default_factory=list)

    @property
    def count(self) -> int:
        """Return how many things wait in all (the lists show the first few of each)."""
        return (
            self.registrations_count
            + self.reviews_count
            + self.minutes_count
            + sum(line["count"] for line in self.requests)
        )

    @property
    def is_empty(self) -> bool:
        return not (self.registrations or self.reviews or self.minutes or self.requests)


def my_next_meetings(user, *, limit: int = LIST_LIMIT) -> list[Meeting]:
    """Return my next meetings across my communities (two queries)."""
    return upcoming_meetings_for(user, limit=limit)


def _organised_by(user):
    return Meeting.objects.manageable_by(user)


def _awaiting_approval(user):
    # EXISTS per meeting, not a GROUP BY over every registration of every coming meeting I organise.
    pending = Registration.objects.filter(meeting=OuterRef("pk"), status=Registration.Status.PENDING)
    return (
        _organised_by(user)
        .exclude(status=Meeting.Status.CANCELLED)
        .filter(end__gte=timezone.now())
        .filter(Exists(pending))
    )


def registrations_to_approve(user, *, limit: int = LIST_LIMIT) -> list[Meeting]:
    """Return the coming meetings I organise with registrations awaiting approval, each with pending_count."""
    return _registrations_first_and_total(user, limit)[0]


def _registrations_first_and_total(user, limit: int) -> tuple[list[Meeting], int]:
    """Return the first limit meetings awaiting my approval and how many registrations wait in all, in one query.

    Every such meeting has at least one pending registration, so the sum of pending_count over all
    of them (a window over the rows before LIMIT) is registrations_to_approve_count.
    """
    pending = Registration.objects.filter(status=Registration.Status.PENDING)
    first = list(
        _awaiting_approval(user)
        .annotate(
            pending_count=registration_count(pending),
            pending_total=Window(Sum(registration_count(pending))),
        )
        .select_related("community")
        .order_by("start", "pk")[:limit]
    )
    return first, first[0].pending_total if first else 0


def registrations_to_approve_count(user) -> int:
    """Return how many registrations wait for my approval across the meetings I organise (one query)."""
    return Registration.objects.filter(
        status=Registration.Status.PENDING, meeting__in=_awaiting_approval(user).values("pk")
    ).count()


def _reviews_due(user):
    return open_rounds_for_reviewer(user=user)


def _reviews_first_and_total(user, limit: int) -> tuple[list, int]:
    rounds = _reviews_due(user).select_related("item", "item__community").order_by("due_date", "pk")
    return first_and_total(rounds, limit)


def reviews_due(user, *, limit: int = LIST_LIMIT) -> list:
    """Return the open review rounds where I am a reviewer and have not submitted my review, soonest due first."""
    return _reviews_first_and_total(user, limit)[0]


def minutes_to_write(user, *, limit: int = LIST_LIMIT) -> tuple[list[Meeting], int]:
    """Return the latest past meetings I organise that are not closed yet (no minutes), and how many there are."""
    now = timezone.now()
    coordinated, facilitated, co_organised = (
        part.filter(status=Meeting.Status.SCHEDULED, end__lt=now) for part in Meeting.objects.manageable_parts(user)
    )
    # Each kind of access on its own (issue 15). A coordinated community's count and latest five come
    # from its (community, status, end) index, read backwards in its own order (end is never null, so
    # end DESC is that order). Asked as one OR, PostgreSQL fetched every unclosed past meeting from the
    # table, 7,000 of them for REBUILD's coordinator (20 ms). The other two parts hold a few rows each,
    # sorted: NULLS LAST (the same rows first) is an order no index gives, which keeps PostgreSQL from
    # walking the (status, end) index through the network's 38,000 unclosed past meetings to find them.
    latest = (F("end").desc(), "-pk")
    few_sorted = (F("end").desc(nulls_last=True), "-pk")
    parts = [coordinated.order_by(*latest), facilitated.order_by(*few_sorted), co_organised.order_by(*few_sorted)]
    return first_of_parts_and_total(parts, few_sorted, limit, "community")


def requests_to_decide(user) -> list[dict]:
    """Return, per community or group I manage, how many membership requests wait for a decision (one query)."""
    if not user.is_authenticated:
        return []
    # The groups of the communities I coordinate are in the first condition already: the second names only
    # the groups I facilitate elsewhere (a list of ids), so each is answered by an index. With every group
    # I manage as a subquery there, PostgreSQL read all the network's pending requests to test each
    # (7,600 at full scale, 5 ms of the coordinator's /me/; issue 15).
    pending = (
        Membership.objects.pending()
        .filter(
            Q(community__in=permissions.managed_community_ids(user))
            | Q(group__in=permissions.facilitated_group_ids(user))
        )
        .values("community__slug", "community__name", "group__name")
        .annotate(count=Count("pk"))
        .order_by("community__name", F("group__name").asc(nulls_first=True))
    )
    return [
        {
            "community_slug": line["community__slug"],
            "community_name": line["community__name"],
            "group_name": line["group__name"] or "",
            "count": line["count"],
        }
        for line in pending
    ]


def pending_actions(user) -> PendingActions:
    if not user.is_authenticated:
        return PendingActions()
    minutes, minutes_count = minutes_to_write(user)
    reviews, reviews_count = _reviews_first_and_total(user, LIST_LIMIT)
    registrations, registrations_count = _registrations_first_and_total(user, LIST_LIMIT)
    return PendingActions(
        registrations=registrations,
        registrations_count=registrations_count,
        reviews=reviews,
        reviews_count=reviews_count,
        minutes=minutes,
        minutes_count=minutes_count,
        requests=requests_to_decide(user),
    )


def new_in_what_i_follow(user, *, days: int = FOLLOW_DAYS, limit: int = 8) -> list[KnowledgeItem]:
    """Return knowledge published lately in the groups and themes I follow, that I may see and did not write.

    Two bounded branches of one query, each the `limit` latest items by recency, merged: one for the groups I
    follow (a handful of group ids), one for my themes, which asks of each recent item whether it
    carries one of them (EXISTS on the tag links of the recent items only) instead of reading
    every tag link of the themes (millions of rows at network scale) to build a list of ids.
    """
    if not user.is_authenticated:
        return []
    follows = Follow.objects.filter(user=user)
    since = timezone.now() - timedelta(days=days)
    mine_to_see = (
        KnowledgeItem.objects.visible_to(user).published().exclude(created_by=user).select_related("community", "group")
    )
    # A followed group's items come by the index on (group, published_at): a few recent rows each.
    in_groups = (
        mine_to_see.filter(published_at__gte=since)
        .filter(group_id__in=follows.filter(group__isnull=False).values("group_id"))
        .order_by("-published_at", "-pk")
    )
    tagged = TaggedItem.objects.filter(
        content_type=ContentType.objects.get_for_model(KnowledgeItem),
        object_id=OuterRef("pk"),
        tag_id__in=follows.filter(theme__isnull=False).values("theme_id"),
    )
    # Themes span every community: walk the network's newest items (knowledge_item_newest_idx, whose
    # key is published_at for a published item, hence the same order and rows) and stop at the
    # `limit`-th that carries a theme, instead of hashing every tag link of the network (680 ms at 1M).
    # The date is asked of the index's key alone (with published_at set, the key is published_at): asked
    # of published_at as well, PostgreSQL multiplied the two conditions' selectivities, expected a
    # handful of rows and fetched the month's items of every community (3,000 rows at scale 0.3,
    # 140 ms) to sort them, instead of walking the index and stopping at the `limit`-th (issue 15).
    in_themes = (
        mine_to_see.alias(newest=NEWEST)
        .filter(Exists(tagged), newest__gte=since, published_at__isnull=False)
        .order_by("-newest", "-pk")
    )
    # Both lists in one query (UNION ALL of the two bounded, ordered branches), merged here.
    if connection.features.supports_slicing_ordering_in_compound:
        found = {item.pk: item for item in in_groups[:limit].union(in_themes[:limit], all=True)}
    else:  # SQLite (the embedded default) cannot order or limit the parts of a UNION: two queries
        found = {item.pk: item for item in [*in_groups[:limit], *in_themes[:limit]]}
    return sorted(found.values(), key=lambda item: (item.published_at, item.pk), reverse=True)[:limit]


def communities_i_report_on(user) -> list[Community]:
    """Return the communities whose reports I may read (I coordinate them)."""
    if not user.is_authenticated:
        return []
    person = permissions.known_person(user)
    if person is not None and not permissions.is_portal_admin(user):
        # The communities I coordinate are among my memberships, read once for the request (by name).
        return [m.community for m in person.active.values() if m.community_id in person.coordinated]
    return list(Community.objects.managed_by(user).order_by("name"))


def dashboard_parts(user) -> dict:
    """Return the context of the dashboard partials (templates/reports/partials/_me_*.html)."""
    return {
        "next_meetings": my_next_meetings(user),
        "actions": pending_actions(user),
        "followed_items": new_in_what_i_follow(user),
        "report_communities": communities_i_report_on(user),
        "follow_days": FOLLOW_DAYS,
    }
