"""Sending one digest: each entry re-checked through the scoped querysets, then sent through the email ledger."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from communities.models import Community, Membership
from knowledge.models import Answer, KnowledgeItem
from meetings.models import Meeting
from members.models import User
from members.notifications import absolute_url, ledger_skip, preferences_for, send_templated_email
from members.tokens import STREAM_DIGEST

from .discussions import recheck_posts
from .periods import WEEKLY, Period, digest_key

SECTION_LIMIT = 10


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
        .annotate(has_translations=Exists(KnowledgeItem.objects.filter(translation_of=OuterRef("pk"))))
        .order_by("-published_at", "-pk")
    )
    # In the build's order: the most relevant first (followed groups and themes, then the newest).
    rank = {pk: index for index, pk in enumerate(_ids(payload, "knowledge"))}
    knowledge.sort(key=lambda item: rank.get(item.pk, len(rank)))
    knowledge = in_recipient_language(
        knowledge, user=user, language=user.language, excluded=excluded_communities | muted_groups
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
    posts = recheck_posts(
        user=user,
        ids=_ids(payload, "posts"),
        excluded_communities=excluded_communities,
        muted_group_ids=preference.muted_groups or [],
    )
    return {
        "knowledge": knowledge,
        "answers": answers,
        "meetings": meetings,
        "members": members,
        "requests": requests,
        "posts": posts,
    }


def in_recipient_language(items: list[KnowledgeItem], *, user: User, language: str, excluded: Q) -> list:
    """Return items with one entry per translation set, each in language where user may see a published version.

    Else the set's original when it is among items, else the first of the set listed; in items'
    order. One query, and only when an item has versions (has_translations or translation_of).
    """
    roots = {item.translation_root_id for item in items if item.translation_of_id or item.has_translations}
    preferred = {}
    if roots and language:
        versions = (
            KnowledgeItem.objects.visible_to(user)
            .published()
            .filter(Q(pk__in=roots) | Q(translation_of_id__in=roots), language=language)
            .exclude(excluded)
            .select_related("community", "group", "created_by")
        )
        preferred = {version.translation_root_id: version for version in versions}
    for item in items:
        if item.translation_root_id in roots and item.translation_of_id is None:
            preferred.setdefault(item.pk, item)  # the original, when no version is in language
    shown, seen = [], set()
    for item in items:
        root = item.translation_root_id
        if root not in seen:
            seen.add(root)
            shown.append(preferred.get(root, item))
    return shown


# Where "and N more" of each section leads, in each community (a URL name taking community_slug).
SECTION_PAGES = {
    "knowledge": "knowledge:list",
    "answers": "knowledge:list",
    "meetings": "meetings:list",
    "members": "people:directory",
    "requests": "communities:manage",
    "discussions": "discussions:list",
}


def _limited(
    entries: list, unread: int = 0, *, section: str = "", community_of=None, unread_by: dict | None = None
) -> dict:
    """Return at most SECTION_LIMIT entries per community (in the order given) and, per community, how many more.

    unread is the number the build did not read (all communities); unread_by, per community id.
    Each "more" of a community carries the address of its page listing the rest (SECTION_PAGES).
    """
    if community_of is None:
        more = max(0, len(entries) - SECTION_LIMIT) + unread
        return {"shown": entries[:SECTION_LIMIT], "more": more, "count": len(entries) + unread, "more_links": []}
    unread_by = unread_by or {}
    shown, listed, hidden, communities = [], defaultdict(int), defaultdict(int), {}
    for entry in entries:
        community = community_of(entry)
        communities[community.pk] = community
        if listed[community.pk] < SECTION_LIMIT:
            shown.append(entry)
            listed[community.pk] += 1
        else:
            hidden[community.pk] += 1
    links = []
    for pk, community in communities.items():
        more = hidden[pk] + unread_by.get(pk, 0)
        if more:
            url = absolute_url(reverse(SECTION_PAGES[section], kwargs={"community_slug": community.slug}))
            links.append({"community": community, "more": more, "url": url})
    total_unread = sum(unread_by.get(pk, 0) for pk in communities)
    return {
        "shown": shown,
        "more": sum(link["more"] for link in links),
        "count": len(entries) + total_unread,
        "more_links": links,
    }


def _unread_by(payload: dict, name: str) -> dict[int, int]:
    """Return {community id: entries not read by the build} of section name in payload (ignoring anything odd)."""
    counts = (payload.get("unread") or {}).get(name) if isinstance(payload.get("unread"), dict) else None
    if not isinstance(counts, dict):
        return {}
    return {
        int(pk): value
        for pk, value in counts.items()
        if str(pk).isdigit() and isinstance(value, int) and 0 <= value < 10**9
    }


def _unread(payload: dict, name: str) -> int:
    value = (payload.get("more") or {}).get(name, 0) if isinstance(payload.get("more"), dict) else 0
    return value if isinstance(value, int) and 0 <= value < 10**9 else 0


def _sections(sections: dict[str, list], payload: dict) -> dict[str, dict]:
    """Return the template's sections: at most SECTION_LIMIT entries per community, and "and N more" links."""
    if "unread" not in payload and _unread(payload, "knowledge"):  # a payload built before per-community counts
        return {
            "knowledge": _limited(sections["knowledge"], _unread(payload, "knowledge")),
            **{name: _limited(sections[key]) for name, key in _OTHER_SECTIONS},
        }

    def limited(name: str, key: str, community_of) -> dict:
        return _limited(sections[key], section=name, community_of=community_of, unread_by=_unread_by(payload, key))

    return {
        "knowledge": limited("knowledge", "knowledge", lambda item: item.community),
        "answers": limited("answers", "answers", lambda answer: answer.item.community),
        "meetings": limited("meetings", "meetings", lambda meeting: meeting.community),
        "members": limited("members", "members", lambda membership: membership.community),
        "requests": limited("requests", "requests", lambda membership: membership.community),
        "discussions": limited("discussions", "posts", lambda post: post.thread.community),
    }


_OTHER_SECTIONS = (
    ("answers", "answers"),
    ("meetings", "meetings"),
    ("members", "members"),
    ("requests", "requests"),
    ("discussions", "posts"),
)


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
            **_sections(sections, payload),
            "viewer_zone": user.time_zone,
            **links,
        },
        language=user.language,
        time_zone=user.time_zone,
        once_key=key,
        kind="digest",
        stream=STREAM_DIGEST,
    )
