"""Sending one digest: each entry re-checked through the scoped querysets, then sent through the email ledger."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q
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


def _limited(entries: list, unread: int = 0) -> dict:
    """Return the first SECTION_LIMIT entries and how many more (unread: those the build did not read)."""
    more = max(0, len(entries) - SECTION_LIMIT) + unread
    return {"shown": entries[:SECTION_LIMIT], "more": more, "count": len(entries) + unread}


def _unread(payload: dict, name: str) -> int:
    value = (payload.get("more") or {}).get(name, 0) if isinstance(payload.get("more"), dict) else 0
    return value if isinstance(value, int) and 0 <= value < 10**9 else 0


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
            "knowledge": _limited(sections["knowledge"], _unread(payload, "knowledge")),
            "answers": _limited(sections["answers"]),
            "meetings": _limited(sections["meetings"]),
            "members": _limited(sections["members"]),
            "requests": _limited(sections["requests"]),
            "discussions": _limited(sections["posts"]),
            "viewer_zone": user.time_zone,
            **links,
        },
        language=user.language,
        time_zone=user.time_zone,
        once_key=key,
        kind="digest",
        stream=STREAM_DIGEST,
    )
