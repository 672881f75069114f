"""Building digests in batches: a constant number of queries per batch, visibility applied in memory."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber
from taggit.models import TaggedItem

from communities import permissions
from communities.models import Community, Group, Membership, MembershipEvent
from knowledge.models import Answer, Follow, KnowledgeItem
from meetings.models import Meeting, Registration
from members.models import NotificationPreference, User
from members.notifications import preferences_for

from . import discussions
from .periods import Period, period_for
from .sending import SECTION_LIMIT

JOIN_ACTIONS = (
    MembershipEvent.Action.JOINED,
    MembershipEvent.Action.APPROVED,
    MembershipEvent.Action.INVITATION_ACCEPTED,
)


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


# A digest shows SECTION_LIMIT entries a section and "and N more": the build reads, of each
# (community, group, visibility) - the unit the visibility rules decide on - only the newest
# PARTITION_CAP items of the period, and the count of the rest, so its cost is bounded by the
# communities' structure and not by how much they publish. The slack covers a person's own items.
PARTITION_CAP = SECTION_LIMIT + 5
_PARTITION = ("community_id", "group_id", "visibility")


def _newest_items(queryset) -> list[KnowledgeItem]:
    """Return the newest PARTITION_CAP items of each partition, each with partition_total (one query)."""
    partition = [F(name) for name in _PARTITION]
    return list(
        queryset.annotate(
            partition_rank=Window(
                RowNumber(), partition_by=partition, order_by=[F("published_at").desc(), F("pk").desc()]
            ),
            partition_total=Window(Count("pk"), partition_by=partition),
        )
        .filter(partition_rank__lte=PARTITION_CAP)
        .select_related("community", "group", "created_by")
        .order_by("-published_at", "-pk")
    )


def _unread_count(shown: list[KnowledgeItem]) -> int:
    """Return how many items of the partitions of shown (a person's items) the build left in the database.

    About, not exact: a partition's count is over the batch's window and includes the person's own
    items; the page the "and N more" links to lists them exactly.
    """
    totals = {(item.community_id, item.group_id, item.visibility): item.partition_total for item in shown}
    return sum(max(0, total - PARTITION_CAP) for total in totals.values())


def build_digests(users: list[User], *, now: datetime) -> list[Digest]:
    """Build the digests due at now of a batch of people, with a constant number of queries per batch.

    People whose digest is not due at now (their frequency, their local morning) get none.
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
    followed_groups = set().union(*(p.followed_groups for p in people.values()))
    followed_themes = set().union(*(p.followed_themes for p in people.values()))
    user_ids = [user.pk for user in users]

    item_type = ContentType.objects.get_for_model(KnowledgeItem)
    themed = TaggedItem.objects.filter(content_type=item_type, tag_id__in=followed_themes).values("object_id")
    items = _newest_items(
        KnowledgeItem.objects.published()
        .filter(published_at__gte=window_start, published_at__lt=window_end)
        .filter(Q(community_id__in=communities) | Q(group_id__in=followed_groups) | Q(pk__in=themed))
    )
    item_themes: dict[int, set[int]] = defaultdict(set)
    if followed_themes and items:
        for object_id, tag_id in TaggedItem.objects.filter(
            content_type=item_type, object_id__in=[item.pk for item in items], tag_id__in=followed_themes
        ).values_list("object_id", "tag_id"):
            item_themes[object_id].add(tag_id)
    answers = list(
        Answer.objects.filter(
            created_at__gte=window_start, created_at__lt=window_end, item__status=KnowledgeItem.Status.PUBLISHED
        )
        .filter(Q(item__created_by_id__in=user_ids) | Q(item_id__in=followed_items))
        .select_related("item__community", "item__group", "author")
        .order_by("-created_at", "-pk")
    )
    meetings = list(
        Meeting.objects.filter(
            created_at__gte=window_start,
            created_at__lt=window_end,
            community_id__in=communities,
            status=Meeting.Status.SCHEDULED,
            start__gt=now,
            registration_policy__in=[Meeting.RegistrationPolicy.OPEN, Meeting.RegistrationPolicy.APPROVAL],
        )
        .filter(Q(registration_deadline__isnull=True) | Q(registration_deadline__gt=now))
        .select_related("community", "group")
        .order_by("start", "pk")
    )
    registered = set()
    if meetings:
        registered = set(
            Registration.objects.filter(
                user_id__in=user_ids, meeting_id__in=[meeting.pk for meeting in meetings]
            ).values_list("user_id", "meeting_id")
        )
    joined = list(
        MembershipEvent.objects.filter(
            created_at__gte=window_start,
            created_at__lt=window_end,
            action__in=JOIN_ACTIONS,
            membership__group__isnull=True,
            membership__status=Membership.Status.ACTIVE,
            membership__community_id__in=communities,
            membership__user__is_active=True,
            membership__user__listed_in_directory=True,
        )
        .select_related("membership__user", "membership__community")
        .order_by("-created_at", "-pk")
    )
    requests = list(
        Membership.objects.pending()
        .filter(created_at__gte=window_start, created_at__lt=window_end)
        .filter(Q(community_id__in=managed_communities) | Q(group_id__in=managed_groups))
        .select_related("user", "community", "group")
        .order_by("created_at", "pk")
    )
    follows = discussions.follows_of(user_ids)
    posts = discussions.new_posts(follows, start=window_start, end=window_end)
    not_in_digest = discussions.digest_modes(user_ids, posts)

    digests = []
    for user in users:
        person, period = people[user.pk], periods[user.pk]
        digest = Digest(user=user, period=period)

        def wanted(item, person=person, user=user, period=period) -> bool:
            interesting = (
                item.community_id in person.communities
                or (item.group_id is not None and item.group_id in person.followed_groups)
                or bool(item_themes.get(item.pk, set()) & person.followed_themes)
            )
            return (
                interesting
                and _within(item.published_at, period)
                and item.created_by_id != user.pk
                and not person.excluded(item.community_id, item.group_id)
                and person.may_see(item)
            )

        digest.knowledge = [item for item in items if wanted(item)]
        digest.knowledge_unread = _unread_count(digest.knowledge)
        for answer in answers:
            item = answer.item
            if (
                (item.created_by_id == user.pk or item.pk in person.followed_items)
                and answer.author_id != user.pk
                and _within(answer.created_at, period)
                and not person.excluded(item.community_id, item.group_id)
                and person.may_see(item)
            ):
                digest.answers.append(answer)
        for meeting in meetings:
            if (
                meeting.community_id in person.communities
                and (user.pk, meeting.pk) not in registered
                and _within(meeting.created_at, period)
                and not person.excluded(meeting.community_id, meeting.group_id)
                and person.may_see_group(meeting.group, meeting.community)
            ):
                digest.meetings.append(meeting)
        seen_members = set()
        for event in joined:
            membership = event.membership
            if (
                membership.community_id in person.communities
                and membership.user_id != user.pk
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
        digests.append(digest)
    return digests
