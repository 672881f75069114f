"""Digests: what is new, for each person, in the communities, groups, themes and items they follow.

Each person chooses never, daily or weekly (the default). A digest goes out in the morning of
the person's own time zone (DIGEST_HOUR; weekly ones on Monday) and covers the period that
ended then: from the previous morning (daily) or the previous Monday morning (weekly). The
period is part of the ledger key (digest:<user>:<period>), so a person gets one digest per
period whatever runs twice, and a retried build sends the same content.

A digest gathers, for communities the person is an active member of (and, through follows,
public content of groups and themes they follow), minus the communities and groups they
muted and the communities they left:
- new knowledge they may see (published in the period, not their own);
- new answers to their questions and to the items they follow;
- meetings announced in the period that they can still register for;
- new members of their communities (who are listed in the directories);
- requests to join waiting for them (coordinators, and facilitators for their groups).
Nothing new: no email (the ledger records the skip).

How it runs:
1. dispatch_digests (beat, every 15 minutes) finds the people whose morning has come and who
   have no ledger row for the period, and enqueues build tasks of BATCH_SIZE people.
2. build_digests(users, now) reads everything for a batch with a constant number of queries
   (not one per person) and applies the visibility rules of the scoped querysets in memory.
3. send_digest (mail queue) re-checks each entry with the scoped querysets (visible_to and
   friends) when it sends, so nothing the person may no longer see goes out, then sends through
   the email ledger.
"""

from __future__ import annotations

import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta

from celery import shared_task
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from taggit.models import TaggedItem

from communities import permissions
from communities.models import Community, Membership, MembershipEvent
from knowledge.models import Answer, Follow, KnowledgeItem
from meetings.models import Meeting, Registration
from members import outbox
from members.models import EmailLedger, NotificationPreference, User
from members.notifications import MAIL_RETRY, absolute_url, ledger_skip, preferences_for, send_templated_email
from members.tokens import STREAM_DIGEST

DIGEST_HOUR = 7
BATCH_SIZE = 50
SECTION_LIMIT = 10
DAILY = NotificationPreference.DigestFrequency.DAILY
WEEKLY = NotificationPreference.DigestFrequency.WEEKLY
JOIN_ACTIONS = (
    MembershipEvent.Action.JOINED,
    MembershipEvent.Action.APPROVED,
    MembershipEvent.Action.INVITATION_ACCEPTED,
)


# ---------------------------------------------------------------- periods


@dataclass(frozen=True)
class Period:
    """The span a digest covers: [start, end) in UTC, ending at the person's local morning."""

    frequency: str
    key: str
    start: datetime
    end: datetime


def _zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def period_for(*, frequency: str, time_zone: str, now: datetime) -> Period | None:
    """Return the period whose digest is due at now in time_zone, or None before the morning (or not Monday)."""
    zone = _zone(time_zone)
    local = now.astimezone(zone)
    morning = datetime.combine(local.date(), time(DIGEST_HOUR), tzinfo=zone)
    if local < morning:
        return None
    if frequency == DAILY:
        start = datetime.combine(local.date() - timedelta(days=1), time(DIGEST_HOUR), tzinfo=zone)
        key = f"day-{local.date().isoformat()}"
    elif frequency == WEEKLY and local.weekday() == 0:
        start = datetime.combine(local.date() - timedelta(days=7), time(DIGEST_HOUR), tzinfo=zone)
        year, week, _weekday = local.date().isocalendar()
        key = f"week-{year}-W{week:02d}"
    else:
        return None
    return Period(frequency=frequency, key=key, start=start.astimezone(UTC), end=morning.astimezone(UTC))


def digest_key(user_id: int, period: Period) -> str:
    return f"digest:{user_id}:{period.key}"


# ---------------------------------------------------------------- who is due


def _frequency_q(frequency: str) -> Q:
    chosen = Q(notification_preference__digest_frequency=frequency)
    if frequency == WEEKLY:  # the default for people who never changed their settings
        chosen |= Q(notification_preference__isnull=True)
    return chosen


def digests_due(*, now: datetime) -> dict[str, list[int]]:
    """Return {frequency: [user ids]} of people whose digest is due at now and not yet built for its period."""
    zones = list(User.objects.filter(is_active=True).values_list("time_zone", flat=True).distinct())
    due: dict[str, list[int]] = {}
    for frequency in (DAILY, WEEKLY):
        zones_by_key: dict[str, list[str]] = defaultdict(list)
        for zone in zones:
            period = period_for(frequency=frequency, time_zone=zone, now=now)
            if period is not None:
                zones_by_key[period.key].append(zone)
        ids: list[int] = []
        for key, key_zones in zones_by_key.items():
            done = EmailLedger.objects.filter(user_id=OuterRef("pk"), kind="digest", key__endswith=f":{key}")
            ids += list(
                User.objects.filter(is_active=True, time_zone__in=key_zones)
                .filter(_frequency_q(frequency))
                .exclude(Exists(done))
                .order_by("pk")
                .values_list("pk", flat=True)
            )
        if ids:
            due[frequency] = ids
    return due


def dispatch(*, now: datetime | None = None, batch_size: int = BATCH_SIZE) -> int:
    """Enqueue one build task per batch of people whose digest is due; return how many people."""
    now = now or timezone.now()
    count = 0
    for ids in digests_due(now=now).values():
        for index in range(0, len(ids), batch_size):
            batch = ids[index : index + batch_size]
            outbox.enqueue(build_digest_batch, batch, now.isoformat())
            count += len(batch)
    return count


# ---------------------------------------------------------------- building, in batches


@dataclass
class Digest:
    user: User
    period: Period
    knowledge: list[KnowledgeItem] = field(default_factory=list)
    answers: list[Answer] = field(default_factory=list)
    meetings: list[Meeting] = field(default_factory=list)
    members: list[Membership] = field(default_factory=list)
    requests: list[Membership] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.knowledge or self.answers or self.meetings or self.members or self.requests)

    def payload(self) -> dict[str, list[int]]:
        return {
            "knowledge": [item.pk for item in self.knowledge],
            "answers": [answer.pk for answer in self.answers],
            "meetings": [meeting.pk for meeting in self.meetings],
            "members": [membership.pk for membership in self.members],
            "requests": [membership.pk for membership in self.requests],
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

    def may_see(self, item: KnowledgeItem) -> bool:
        """The rules of KnowledgeItem.objects.visible_to for a published item, in memory."""
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
    items = list(
        KnowledgeItem.objects.published()
        .filter(published_at__gte=window_start, published_at__lt=window_end)
        .filter(Q(community_id__in=communities) | Q(group_id__in=followed_groups) | Q(pk__in=themed))
        .select_related("community", "group", "created_by")
        .order_by("-published_at", "-pk")
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

    digests = []
    for user in users:
        person, period = people[user.pk], periods[user.pk]
        digest = Digest(user=user, period=period)
        for item in items:
            interesting = (
                item.community_id in person.communities
                or (item.group_id is not None and item.group_id in person.followed_groups)
                or bool(item_themes.get(item.pk, set()) & person.followed_themes)
            )
            if (
                interesting
                and _within(item.published_at, period)
                and item.created_by_id != user.pk
                and not person.excluded(item.community_id, item.group_id)
                and person.may_see(item)
            ):
                digest.knowledge.append(item)
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
        digests.append(digest)
    return digests


# ---------------------------------------------------------------- sending


def _ids(payload: dict, name: str) -> list[int]:
    return [int(pk) for pk in payload.get(name, []) if str(pk).isdigit()][:500]


def recheck(*, user: User, payload: dict, now: datetime) -> dict[str, list]:
    """Return the entries of payload user may still see now, read through the scoped querysets."""
    preference = preferences_for([user.pk])[user.pk]
    left = Membership.objects.filter(user=user, group__isnull=True, status=Membership.Status.LEFT).exclude(
        community__in=Community.objects.member_of(user)
    )
    excluded_communities = Q(community_id__in=preference.muted_communities or []) | Q(
        community_id__in=left.values("community_id")
    )
    muted_groups = Q(group_id__in=preference.muted_groups or [])
    knowledge = list(
        KnowledgeItem.objects.visible_to(user)
        .published()
        .filter(pk__in=_ids(payload, "knowledge"))
        .exclude(excluded_communities | muted_groups)
        .select_related("community", "group", "created_by")
        .order_by("-published_at", "-pk")
    )
    answers = list(
        Answer.objects.visible_to(user)
        .filter(pk__in=_ids(payload, "answers"))
        .exclude(
            Q(item__community_id__in=preference.muted_communities or [])
            | Q(item__community_id__in=left.values("community_id"))
            | Q(item__group_id__in=preference.muted_groups or [])
        )
        .select_related("item__community", "author")
        .order_by("-created_at", "-pk")
    )
    meetings = list(
        Meeting.objects.visible_to(user)
        .filter(pk__in=_ids(payload, "meetings"), status=Meeting.Status.SCHEDULED, start__gt=now)
        .filter(community__in=Community.objects.member_of(user))
        .exclude(excluded_communities | muted_groups)
        .exclude(registrations__user=user)
        .select_related("community", "group")
        .order_by("start", "pk")
    )
    members = list(
        Membership.objects.active()
        .filter(pk__in=_ids(payload, "members"), community__in=Community.objects.member_of(user))
        .filter(user__is_active=True, user__listed_in_directory=True)
        .exclude(excluded_communities)
        .select_related("user", "community")
        .order_by("community__name", "user__full_name")
    )
    pending = list(
        Membership.objects.pending()
        .filter(pk__in=_ids(payload, "requests"))
        .exclude(excluded_communities | muted_groups)
        .select_related("user", "community", "group")
        .order_by("created_at", "pk")
    )
    requests = []
    for community_id in {membership.community_id for membership in pending}:
        community = next(m.community for m in pending if m.community_id == community_id)
        allowed = set(Membership.objects.manageable_by(user, community).values_list("pk", flat=True))
        requests += [membership for membership in pending if membership.pk in allowed]
    return {"knowledge": knowledge, "answers": answers, "meetings": meetings, "members": members, "requests": requests}


def _limited(entries: list) -> dict:
    return {"shown": entries[:SECTION_LIMIT], "more": max(0, len(entries) - SECTION_LIMIT), "count": len(entries)}


def digest_send(*, user_id: int, period: Period, payload: dict, now: datetime | None = None) -> bool:
    """Send one person's digest for period, with what they may still see; return whether it went out now."""
    now = now or timezone.now()
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return False
    key = digest_key(user.pk, period)
    frequency = preferences_for([user.pk])[user.pk].digest_frequency
    if frequency != period.frequency:
        ledger_skip(key=key, kind="digest", user=user, to_email=user.email, reason="frequency changed")
        return False
    sections = recheck(user=user, payload=payload, now=now)
    if not any(sections.values()):
        ledger_skip(key=key, kind="digest", user=user, to_email=user.email, reason="nothing new")
        return False
    links = {
        "me_url": absolute_url(reverse("me:dashboard")),
        "consoles": {
            m.community.slug: absolute_url(reverse("communities:manage", kwargs={"community_slug": m.community.slug}))
            for m in sections["requests"]
        },
    }
    return send_templated_email(
        to_email=user.email,
        user=user,
        template_prefix="emails/digest",
        context={
            "recipient": user,
            "period": period,
            "period_start": period.start,
            "weekly": period.frequency == WEEKLY,
            "knowledge": _limited(sections["knowledge"]),
            "answers": _limited(sections["answers"]),
            "meetings": _limited(sections["meetings"]),
            "members": _limited(sections["members"]),
            "requests": _limited(sections["requests"]),
            "viewer_zone": user.time_zone,
            **links,
        },
        language=user.language,
        time_zone=user.time_zone,
        once_key=key,
        kind="digest",
        stream=STREAM_DIGEST,
    )


def build_batch(*, user_ids: list[int], now: datetime) -> int:
    """Build the digests of a batch; skip the empty ones on the ledger, enqueue the others; return how many."""
    users = list(User.objects.filter(pk__in=user_ids, is_active=True).order_by("pk"))
    digests = build_digests(users, now=now)
    empty = [digest for digest in digests if digest.is_empty]
    if empty:
        EmailLedger.objects.bulk_create(
            [
                EmailLedger(
                    key=digest_key(d.user.pk, d.period),
                    kind="digest",
                    user=d.user,
                    to_email=d.user.email,
                    status=EmailLedger.Status.SKIPPED,
                    last_error="nothing new",
                )
                for d in empty
            ],
            ignore_conflicts=True,
        )
    queued = 0
    for digest in digests:
        if digest.is_empty:
            continue
        period = digest.period
        args = (digest.user.pk, period.frequency, period.key, period.start.isoformat(), period.end.isoformat())
        outbox.enqueue(send_digest, *args, digest.payload())
        queued += 1
    return queued


# ---------------------------------------------------------------- tasks


@shared_task(name="cop_portal.dispatch_digests")
def dispatch_digests() -> int:
    """Find the people whose digest is due and enqueue their batches (beat, every 15 minutes; safe twice)."""
    return dispatch()


@shared_task(name="cop_portal.build_digest_batch")
def build_digest_batch(user_ids: list[int], now_iso: str) -> int:
    """Build the digests of one batch of people, as of now_iso (the dispatcher's clock)."""
    return build_batch(user_ids=user_ids, now=parse_datetime(now_iso))


@shared_task(name="cop_portal.send_digest", **MAIL_RETRY)
def send_digest(user_id: int, frequency: str, key: str, start_iso: str, end_iso: str, payload: dict) -> bool:
    """Send one person's digest, re-checking that they may still see each entry."""
    period = Period(frequency=frequency, key=key, start=parse_datetime(start_iso), end=parse_datetime(end_iso))
    return digest_send(user_id=user_id, period=period, payload=payload)
