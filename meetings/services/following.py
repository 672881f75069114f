"""Registering for a whole series: following it, leaving it, skipping one occurrence, and new occurrences.

The rules, once:
- A follower is registered for every scheduled, future occurrence they may see and that takes
  registrations, through registration_create: capacity, the waitlist, approval and the
  confirmation emails are exactly those of a normal registration.
- An occurrence that cannot take them (closed, invitation only, declined by the organisers)
  is left out and reported; it never stops the others.
- A skip is a per-occurrence exception: the person's registration for that one meeting is
  cancelled (the seat goes to the waitlist) and the series never registers them for it again,
  while they keep following. Coming after all removes the skip and registers them.
- Leaving cancels the person's registrations for the coming occurrences; following again
  registers them again, minus the occurrences they skipped.
- New occurrences register every active follower, in the order they followed.
- Following sends one email for the whole series (the dates registered or waited for, the
  exceptions): the registrations it makes send none of their own. A new occurrence later sends
  each follower the usual registration email for it.
- Every write locks the series row first, then each meeting (registration_create): a follow and
  an extension of the same series run one after the other, so nobody is missed or registered twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.reporting import reports_changed
from members import outbox
from members.models import User

from .. import tasks
from ..models import Meeting, MeetingSeries, Registration, SeriesFollow, SeriesSkip
from ._common import RegistrationError
from .registrations import registration_cancel, registration_create


@dataclass
class FollowResult:
    """What following did: the follow, the registrations made or kept, the occurrences left out and why."""

    follow: SeriesFollow
    registrations: list[Registration] = field(default_factory=list)
    left_out: list[tuple[Meeting, str]] = field(default_factory=list)


def _lock_series(series: MeetingSeries) -> MeetingSeries:
    return MeetingSeries.objects.select_for_update().get(pk=series.pk)


def _coming(series: MeetingSeries):
    return Meeting.objects.filter(series=series, status=Meeting.Status.SCHEDULED, start__gt=timezone.now()).order_by(
        "start", "pk"
    )


def _register(meeting: Meeting, user: User, *, email: bool = True) -> tuple[Registration | None, str]:
    """Register user for one occurrence as a normal registration would; return (registration, why not)."""
    if not meeting.takes_registrations:
        return None, str(_("The organisers register people for this meeting themselves."))
    try:
        return registration_create(meeting=meeting, user=user, email=email), ""
    except RegistrationError as error:
        return None, " ".join(str(message) for message in error.messages)


@transaction.atomic
def series_follow(*, series: MeetingSeries, user: User) -> FollowResult:
    """Register user for the whole series: every coming occurrence, and those added later.

    Following twice changes nothing more (the registrations already there are kept, no email).
    One email tells the person the whole of it, in their language (series_emails).
    """
    series = _lock_series(series)
    reports_changed(series.community_id)  # counted again by the reports (after commit)
    if not Meeting.objects.visible_to(user).filter(series=series).exists():
        raise RegistrationError(_("You cannot register for this series."), code="not_visible")
    follow, created = SeriesFollow.objects.select_for_update().get_or_create(series=series, user=user)
    started = created or not follow.is_active
    if not created and not follow.is_active:
        follow.status = SeriesFollow.Status.ACTIVE
        follow.left_at = None
        follow.save(update_fields=["status", "left_at", "updated_at"])
    result = FollowResult(follow=follow)
    skipped = set(follow.skips.values_list("meeting_id", flat=True))
    visible = set(Meeting.objects.visible_to(user).filter(series=series).values_list("pk", flat=True))
    coming = list(_coming(series))
    held = set(Registration.objects.filter(meeting__in=coming, user=user).active().values_list("meeting_id", flat=True))
    for meeting in coming:
        if meeting.pk in skipped or meeting.pk not in visible:
            continue
        registration, why_not = _register(meeting, user, email=False)
        if registration is None:
            result.left_out.append((meeting, why_not))
        else:
            result.registrations.append(registration)
    if started or any(registration.meeting_id not in held for registration in result.registrations):
        stamp = int(timezone.now().timestamp() * 1_000_000)
        outbox.enqueue(tasks.notify_series_followed, follow.pk, stamp, key=f"series-followed:{follow.pk}:{stamp}")
    return result


@transaction.atomic
def series_leave(*, series: MeetingSeries, user: User) -> int:
    """Stop following series and cancel user's registrations for its coming occurrences; return how many.

    Each freed seat goes to the first person waiting. Leaving twice changes nothing.
    """
    series = _lock_series(series)
    reports_changed(series.community_id)  # counted again by the reports (after commit)
    follow = SeriesFollow.objects.select_for_update().filter(series=series, user=user).first()
    if follow is None or not follow.is_active:
        return 0
    follow.status = SeriesFollow.Status.LEFT
    follow.left_at = timezone.now()
    follow.save(update_fields=["status", "left_at", "updated_at"])
    registrations = Registration.objects.filter(meeting__in=_coming(series), user=user).active()
    cancelled = 0
    for registration in registrations.order_by("meeting__start", "pk"):
        registration_cancel(registration=registration, by=user)
        cancelled += 1
    # A skip of an occurrence the person had registered for again is stale once the registration is gone.
    follow.skips.filter(meeting__in=registrations.values("meeting_id")).delete()
    return cancelled


@transaction.atomic
def series_occurrence_skip(*, meeting: Meeting, user: User) -> Registration | None:
    """Cancel user's registration for this one occurrence; a follower stays in the series without it.

    For a follower the skip is remembered, so following again later does not register them for
    this meeting. For anyone else it is a plain cancellation. Skipping twice changes nothing.
    """
    if meeting.series_id is None:
        raise ValidationError(_("This meeting is not part of a series."), code="not_in_series")
    _lock_series(meeting.series)
    follow = SeriesFollow.objects.filter(series_id=meeting.series_id, user=user, status=SeriesFollow.Status.ACTIVE)
    follow = follow.first()
    if follow is not None:
        SeriesSkip.objects.get_or_create(follow=follow, meeting=meeting)
    registration = Registration.objects.filter(meeting=meeting, user=user).first()
    if registration is not None and registration.is_active:
        return registration_cancel(registration=registration, by=user)
    return registration


@transaction.atomic
def series_occurrence_unskip(*, meeting: Meeting, user: User) -> Registration:
    """Take back a skip: register user for this occurrence again (raise RegistrationError when it is closed)."""
    if meeting.series_id is None:
        raise ValidationError(_("This meeting is not part of a series."), code="not_in_series")
    _lock_series(meeting.series)
    SeriesSkip.objects.filter(follow__series_id=meeting.series_id, follow__user=user, meeting=meeting).delete()
    return registration_create(meeting=meeting, user=user)


def register_followers(*, meeting: Meeting) -> list[Registration]:
    """Register the active followers of meeting's series for this (new) occurrence; caller holds the series lock.

    Followers are taken in the order they followed, so when seats run out the earliest get them
    and the others join the waitlist in that order. A follower who may not see the meeting, or
    whom the rules refuse, is left out.
    """
    if meeting.series_id is None:
        return []
    follows = (
        SeriesFollow.objects.filter(
            series_id=meeting.series_id, status=SeriesFollow.Status.ACTIVE, user__is_active=True
        )
        .exclude(skips__meeting=meeting)
        .select_related("user")
        .order_by("created_at", "pk")
    )
    registrations = []
    for follow in follows:
        if not Meeting.objects.visible_to(follow.user).filter(pk=meeting.pk).exists():
            continue
        registration, _why_not = _register(meeting, follow.user)
        if registration is not None:
            registrations.append(registration)
    return registrations


def series_following_of(*, series: MeetingSeries, user) -> SeriesFollow | None:
    """Return user's active follow of series, or None."""
    if not user.is_authenticated:
        return None
    return SeriesFollow.objects.filter(series=series, user=user, status=SeriesFollow.Status.ACTIVE).first()


def series_followers_ended(*, user: User, community) -> int:
    """End user's follows of community's series (they left the community); return how many ended."""
    return SeriesFollow.objects.filter(
        series__community=community, user=user, status=SeriesFollow.Status.ACTIVE
    ).update(status=SeriesFollow.Status.LEFT, left_at=timezone.now(), updated_at=timezone.now())
