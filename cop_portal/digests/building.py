"""Building digests in batches: a constant number of queries per batch, visibility applied in memory.

The period's knowledge, meetings and new members come capped per partition from Candidates
(cop_portal/digests/shared.py): a run's batches share them (read once per run and period), a
lone batch reads its own. Each person's entries are filtered from them here, per person.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import F, Q

from communities import permissions
from communities.models import Community, Group, Membership
from knowledge.models import Answer, Follow, KnowledgeItem
from meetings.models import Meeting, Registration
from members.models import NotificationPreference, User
from members.notifications import preferences_for

from . import discussions
from .periods import Period, period_for
from .shared import JOIN_ACTIONS, PARTITION_CAP, Candidates, Partition, _capped, compute

__all__ = ["JOIN_ACTIONS", "PARTITION_CAP", "Digest", "build_digests"]


@dataclass
class Digest:
    user: User
    period: Period
    knowledge: list[KnowledgeItem] = field(default_factory=list)
    answers: list[Answer] = field(default_factory=list)
    meetings: list[Meeting] = field(default_factory=list)
    members: list[Membership] = field(default_factory=list)
    requests: list[Membership] = field(default_factory=list)
    posts: list = field(default_factory=list)  # discussions.models.Post
    knowledge_unread: int = 0  # items of the period not read by the build (beyond PARTITION_CAP a partition)
    # {section: {community id: entries of the period the build did not read}}, for "and N more".
    unread: dict[str, dict[int, int]] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not (self.knowledge or self.answers or self.meetings or self.members or self.requests or self.posts)

    def payload(self) -> dict[str, list[int]]:
        return {
            "knowledge": [item.pk for item in self.knowledge],
            "answers": [answer.pk for answer in self.answers],
            "meetings": [meeting.pk for meeting in self.meetings],
            "members": [membership.pk for membership in self.members],
            "requests": [membership.pk for membership in self.requests],
            "posts": [post.pk for post in self.posts],
            "more": {"knowledge": self.knowledge_unread},
            "unread": {
                section: {str(pk): count for pk, count in counts.items() if count}
                for section, counts in self.unread.items()
                if any(counts.values())
            },
        }


@dataclass
class _Person:
    """What the batch knows of one person: their places, rights, follows and mutes."""

    communities: set[int] = field(default_factory=set)
    groups: set[int] = field(default_factory=set)
    left: set[int] = field(default_factory=set)
    managed_communities: set[int] = field(default_factory=set)
    managed_groups: set[int] = field(default_factory=set)
    followed_items: set[int] = field(default_factory=set)
    followed_groups: set[int] = field(default_factory=set)
    followed_themes: set[int] = field(default_factory=set)
    muted_communities: set[int] = field(default_factory=set)
    muted_groups: set[int] = field(default_factory=set)

    def may_see_group(self, group: Group | None, community: Community) -> bool:
        """The rule of permissions.visible_group_ids for one group of community, in memory (None: no group)."""
        if group is None or group.community_id in self.managed_communities:
            return True
        if group.visibility == Group.Visibility.PRIVATE:
            return group.pk in self.groups and group.community_id in self.communities
        if group.visibility == Group.Visibility.MEMBERS:
            return group.community_id in self.communities
        return community.visibility == Community.Visibility.PUBLIC or group.community_id in self.communities

    def may_see(self, item: KnowledgeItem) -> bool:
        """The rules of KnowledgeItem.objects.visible_to for a published item, in memory."""
        if not self.may_see_group(item.group, item.community):
            return False  # a private group's items stay behind it
        if item.visibility == KnowledgeItem.Visibility.PUBLIC:
            return item.community.visibility == Community.Visibility.PUBLIC or item.community_id in self.communities
        if item.visibility == KnowledgeItem.Visibility.COMMUNITY:
            return item.community_id in self.communities
        member_of_group = item.group_id in self.groups and item.community_id in self.communities
        return member_of_group or item.community_id in self.managed_communities

    def excluded(self, community_id: int, group_id: int | None = None) -> bool:
        return (
            community_id in self.left
            or community_id in self.muted_communities
            or (group_id is not None and group_id in self.muted_groups)
        )


def _people(users: list[User], preferences: dict[int, NotificationPreference]) -> dict[int, _Person]:
    """Read the batch's memberships, rights and follows: three queries whatever the batch size."""
    ids = [user.pk for user in users]
    people = {pk: _Person() for pk in ids}
    for pk in ids:
        preference = preferences[pk]
        people[pk].muted_communities = set(preference.muted_communities or [])
        people[pk].muted_groups = set(preference.muted_groups or [])
    memberships = Membership.objects.filter(user_id__in=ids).values_list(
        "user_id", "community_id", "group_id", "status"
    )
    for user_id, community_id, group_id, status in memberships:
        person = people[user_id]
        if status == Membership.Status.ACTIVE:
            (person.groups.add(group_id) if group_id else person.communities.add(community_id))
        elif status == Membership.Status.LEFT and group_id is None:
            person.left.add(community_id)
    rights = permissions.grants_of(ids, [permissions.COMMUNITY_PERM, permissions.GROUP_PERM])
    for user_id, codename, object_id in rights:
        person = people[user_id]
        (person.managed_communities if codename == "manage_community" else person.managed_groups).add(object_id)
    for user_id, item_id, group_id, theme_id in Follow.objects.filter(user_id__in=ids).values_list(
        "user_id", "item_id", "group_id", "theme_id"
    ):
        person = people[user_id]
        if item_id:
            person.followed_items.add(item_id)
        elif group_id:
            person.followed_groups.add(group_id)
        elif theme_id:
            person.followed_themes.add(theme_id)
    for person in people.values():
        person.left -= person.communities  # rejoined since
        # A right counts only while the person is an active member (see communities.permissions).
        person.managed_communities &= person.communities
        person.managed_groups &= person.groups
    return people


def _within(moment: datetime | None, period: Period) -> bool:
    return moment is not None and period.start <= moment < period.end


def _unread_by_community(shown: list, partition_of, community_of) -> dict[int, int]:
    """Return, per community, how many entries of the partitions of shown the build left in the database.

    About, not exact: a partition's count is over the batch's window; the page "and N more" links
    to lists them exactly.
    """
    totals: dict[tuple, tuple[int, int]] = {}
    for entry in shown:
        totals[partition_of(entry)] = (community_of(entry), entry.partition_total)
    unread: dict[int, int] = defaultdict(int)
    for community_id, total in totals.values():
        unread[community_id] += max(0, total - PARTITION_CAP)
    return dict(unread)


def _relevance(person: _Person, item_themes: dict[int, set[int]]):
    """Return a sort key putting first the items of the groups and themes person follows, then the newest."""

    def key(item: KnowledgeItem):
        followed = (item.group_id is not None and item.group_id in person.followed_groups) or bool(
            item_themes.get(item.pk, set()) & person.followed_themes
        )
        return (not followed, -item.published_at.timestamp(), -item.pk)

    return key


def _knowledge_partitions(person: _Person, candidates: Candidates) -> dict[Partition, tuple[list, int]]:
    """Return the partitions of candidates person's digest draws from, each with its newest items and count.

    Whole partitions for their communities and followed groups; for other places, the newest items
    of the themes they follow (counted among those themes' items, about when themes overlap).
    """
    partitions = {}
    for community_id in person.communities:
        for key in candidates.community_partitions.get(community_id, ()):
            partitions[key] = candidates.knowledge[key]
    for group_id in person.followed_groups:
        for key in candidates.group_partitions.get(group_id, ()):
            partitions[key] = candidates.knowledge[key]
    themed: dict[Partition, dict[int, KnowledgeItem]] = defaultdict(dict)
    counted: dict[Partition, int] = defaultdict(int)  # the themes' counts, summed
    read: dict[Partition, int] = defaultdict(int)  # the themes' items read, summed
    for theme in person.followed_themes:
        for key, (rows, total) in candidates.themed.get(theme, {}).items():
            if key not in partitions:
                themed[key].update((item.pk, item) for item in rows)
                counted[key] += total
                read[key] += len(rows)
    for key, found in themed.items():
        rows = sorted(found.values(), key=lambda item: (item.published_at, item.pk), reverse=True)[:PARTITION_CAP]
        # Exact when every theme's items were all read; else items with several of the themes
        # that were not read count once per theme ("and N more" is about; its page lists them).
        partitions[key] = (rows, counted[key] - (read[key] - len(found)))
    return partitions


def _knowledge(person: _Person, user: User, period: Period, candidates: Candidates) -> tuple[list, dict[int, int]]:
    """Return person's new items (most relevant first) and, per community, how many the build did not read."""
    shown: list[KnowledgeItem] = []
    unread: dict[int, int] = defaultdict(int)
    for (community_id, group_id, _visibility), (rows, total) in _knowledge_partitions(person, candidates).items():
        # The visibility rules decide on the partition (community, group, visibility): once for its items.
        if not rows or person.excluded(community_id, group_id) or not person.may_see(rows[0]):
            continue
        kept = [item for item in rows if item.created_by_id != user.pk and _within(item.published_at, period)]
        if kept:
            shown += kept
            unread[community_id] += max(0, total - PARTITION_CAP)
    shown.sort(key=_relevance(person, candidates.item_themes))
    return shown, dict(unread)


def build_digests(
    users: list[User], *, now: datetime, shared: Callable[[Period], Candidates] | None = None
) -> list[Digest]:
    """Build the digests due at now of a batch of people, with a constant number of queries per batch.

    People whose digest is not due at now (their frequency, their local morning) get none.
    shared: the run's candidates by period (shared.for_run); without it the batch reads the
    candidates its people's communities, followed groups and themes bring, over its periods.
    """
    preferences = preferences_for([user.pk for user in users])
    periods = {
        user.pk: period_for(frequency=preferences[user.pk].digest_frequency, time_zone=user.time_zone, now=now)
        for user in users
    }
    users = [user for user in users if periods[user.pk] is not None]
    if not users:
        return []
    people = _people(users, preferences)
    window_start = min(periods[user.pk].start for user in users)
    window_end = max(periods[user.pk].end for user in users)
    communities = set().union(*(p.communities for p in people.values()))
    managed_communities = set().union(*(p.managed_communities for p in people.values()))
    managed_groups = set().union(*(p.managed_groups for p in people.values()))
    followed_items = set().union(*(p.followed_items for p in people.values()))
    user_ids = [user.pk for user in users]

    if shared is None:
        own = compute(
            start=window_start,
            end=window_end,
            now=now,
            communities=communities,
            groups=set().union(*(p.followed_groups for p in people.values())),
            themes=set().union(*(p.followed_themes for p in people.values())),
            people=user_ids,
            items=followed_items,
        )

        def shared(period: Period) -> Candidates:
            return own

    candidates = {user.pk: shared(periods[user.pk]) for user in users}

    offered = {
        meeting.pk
        for user in users
        for community_id in people[user.pk].communities
        for meeting in candidates[user.pk].meetings.get(community_id, ())
    }
    registered = set()
    if offered:
        registered = set(
            Registration.objects.filter(user_id__in=user_ids, meeting_id__in=offered).values_list(
                "user_id", "meeting_id"
            )
        )
    requests = _capped(
        Membership.objects.pending()
        .filter(created_at__gte=window_start, created_at__lt=window_end)
        .filter(Q(community_id__in=managed_communities) | Q(group_id__in=managed_groups))
        .select_related("user", "community", "group"),
        ("community_id", "group_id"),
        [F("created_at").asc(), F("pk").asc()],
    )
    requests.sort(key=lambda membership: (membership.created_at, membership.pk))
    follows = discussions.follows_of(user_ids)
    posts = discussions.new_posts(follows, start=window_start, end=window_end)
    not_in_digest = discussions.digest_modes(user_ids, posts)

    digests = []
    for user in users:
        person, period, shared_lists = people[user.pk], periods[user.pk], candidates[user.pk]
        digest = Digest(user=user, period=period)
        digest.knowledge, digest.unread["knowledge"] = _knowledge(person, user, period, shared_lists)
        digest.knowledge_unread = sum(digest.unread["knowledge"].values())
        for answer in shared_lists.answers_for(user.pk, person.followed_items):
            item = answer.item
            if (
                (item.created_by_id == user.pk or item.pk in person.followed_items)
                and answer.author_id != user.pk
                and _within(answer.created_at, period)
                and not person.excluded(item.community_id, item.group_id)
                and person.may_see(item)
            ):
                digest.answers.append(answer)
        meetings = [m for c in person.communities for m in shared_lists.meetings.get(c, ())]
        for meeting in sorted(meetings, key=lambda meeting: (meeting.start, meeting.pk)):
            if (
                (user.pk, meeting.pk) not in registered
                and _within(meeting.created_at, period)
                and not person.excluded(meeting.community_id, meeting.group_id)
                and person.may_see_group(meeting.group, meeting.community)
            ):
                digest.meetings.append(meeting)
        joined = [e for c in person.communities for e in shared_lists.joined.get(c, ())]
        joined.sort(key=lambda event: (event.created_at, event.pk), reverse=True)
        seen_members = set()
        for event in joined:
            membership = event.membership
            if (
                membership.user_id != user.pk
                and membership.pk not in seen_members
                and _within(event.created_at, period)
                and not person.excluded(membership.community_id)
            ):
                seen_members.add(membership.pk)
                digest.members.append(membership)
        for membership in requests:
            manages = membership.community_id in person.managed_communities or (
                membership.group_id is not None and membership.group_id in person.managed_groups
            )
            if (
                manages
                and membership.user_id != user.pk
                and _within(membership.created_at, period)
                and not person.excluded(membership.community_id, membership.group_id)
            ):
                digest.requests.append(membership)
        for post in posts:
            if (
                post.author_id != user.pk
                and _within(post.created_at, period)
                and (user.pk, post.community_id) not in not_in_digest
                and follows[user.pk].follows(post)
                and not person.excluded(post.community_id, post.thread.group_id)
                and discussions.may_read(post, person.communities)
                and person.may_see_group(post.thread.group, post.thread.community)
            ):
                digest.posts.append(post)
        digest.posts = discussions.order_by_thread(digest.posts)
        digest.unread["meetings"] = _unread_by_community(
            digest.meetings, lambda m: (m.community_id, m.group_id), lambda m: m.community_id
        )
        digest.unread["members"] = _unread_by_community(
            [event for event in joined if event.membership.pk in seen_members],
            lambda e: e.membership.community_id,
            lambda e: e.membership.community_id,
        )
        digest.unread["requests"] = _unread_by_community(
            digest.requests, lambda m: (m.community_id, m.group_id), lambda m: m.community_id
        )
        digest.unread["posts"] = _unread_by_community(digest.posts, lambda p: p.thread_id, lambda p: p.community_id)
        digests.append(digest)
    return digests
