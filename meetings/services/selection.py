"""Selecting applicants: accept, reject or waitlist in one step, promotion from the waitlist, releases.

The rules, written once:
- Ranking: the average of the reviewers' totals, best first; unscored applications last; ties
  go to whoever applied first.
- Accepting takes a seat (counted against the capacity like any registration) and one place in
  every quota the person falls under ("at most N accepted from X"). Someone whose quota is full
  is waitlisted, however high their score; so is someone beyond the N chosen or the seats left.
- The plan is computed by a pure function (_choose) and shown as a preview; applying it
  recomputes it under the meeting's lock and refuses if it changed since the preview (a
  reviewer scored, someone withdrew), so the organiser confirms exactly what they saw.
- A freed seat (withdrawal, a release, an organiser's decline) goes to the best-ranked person
  waiting whose quotas allow it (promote_from_waitlist), who is emailed.
- Accepted people asked to confirm who have not by their date are released by the beat task
  (applications_release_unconfirmed): their seat goes to the next person waiting. The meeting
  row is locked and each row re-checked under the lock, so two runs release and promote once.
- A hybrid meeting asking the attendance mode splits its seats as registrations do
  (services.registrations): an applicant accepted takes a seat of the mode they answered
  (capacity in the room, online_capacity online; no answer counts as in person), the plan
  accepts while that mode has seats, and each mode has its own waitlist, promoted from when a
  seat of that mode is freed. Quotas count the people accepted in both modes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Avg
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.models import PartnerRole
from communities.reporting import reports_changed
from members.models import Organization, User

from ..models import Application, Meeting, Quota, Registration
from .applications import application_setup_of, confirm_deadline, notify_application, set_status
from .registrations import Mode, _mode_of, _seat_limit, _seats_taken, splits_seats

S = Registration.Status
TOP, SELECTED = "top", "selected"
ACCEPT, WAITLIST, REJECT, KEEP = "accept", "waitlist", "reject", "keep"


@dataclass(frozen=True)
class Candidate:
    registration: Registration
    application: Application
    average: Decimal | None


@dataclass(frozen=True)
class Outcome:
    candidate: Candidate
    outcome: str  # ACCEPT, WAITLIST, REJECT or KEEP
    reason: str = ""

    @property
    def changes(self) -> bool:
        current = self.candidate.registration.status
        return not (
            self.outcome == KEEP
            or (self.outcome == WAITLIST and current == S.WAITLISTED)
            or (self.outcome == ACCEPT and current == S.REGISTERED)
        )


@dataclass(frozen=True)
class SelectionPlan:
    outcomes: tuple[Outcome, ...]
    seats_free: dict[str | None, int | None]  # per seat pool (see _seats_free)

    @property
    def digest(self) -> str:
        """Return a fingerprint of what the plan does, to check that the plan applied is the one previewed."""
        text = ";".join(f"{o.candidate.registration.pk}:{o.outcome}" for o in self.outcomes if o.changes)
        return hashlib.sha256(text.encode()).hexdigest()[:32]

    def count(self, outcome: str) -> int:
        return sum(1 for o in self.outcomes if o.outcome == outcome and o.changes)

    @property
    def accepted(self) -> int:
        return self.count(ACCEPT)

    @property
    def waitlisted(self) -> int:
        return self.count(WAITLIST)

    @property
    def rejected(self) -> int:
        return self.count(REJECT)


def quota_label(quota: Quota) -> str:
    """Return a quota in words: "Country: Libya", "Partner role: University", "Kind of organisation: NGO"."""
    from django_countries import countries

    if quota.kind == Quota.Kind.COUNTRY:
        value = str(countries.name(quota.value)) or quota.value
    elif quota.kind == Quota.Kind.ORGANISATION_KIND:
        value = str(dict(Organization.Kind.choices).get(quota.value, quota.value))
    else:
        role = PartnerRole.objects.filter(pk=int(quota.value) if quota.value.isdigit() else 0).first()
        value = role.name if role else quota.value
    return f"{quota.get_kind_display()}: {value}"


def ranked(meeting: Meeting, statuses: Iterable[str]) -> list[Candidate]:
    """Return meeting's applications with one of statuses, best average first (unscored last), in one query."""
    rows = (
        Registration.objects.filter(meeting=meeting, status__in=list(statuses), application__isnull=False)
        .select_related("application", "user")
        .annotate(average=Avg("application_reviews__total"))
    )
    candidates = [Candidate(row, row.application, row.average) for row in rows]
    candidates.sort(key=lambda c: (c.average is None, -(c.average or 0), c.application.submitted_at, c.registration.pk))
    return candidates


def _quota_counts(meeting: Meeting, quotas: list[Quota]) -> dict[int, int]:
    accepted = list(Application.objects.filter(meeting=meeting, registration__status=S.REGISTERED))
    return {quota.pk: sum(1 for a in accepted if quota.matches(a)) for quota in quotas}


def _seats_free(meeting: Meeting) -> dict[str | None, int | None]:
    """Return the free seats of each seat pool: {None: n} when seats are not split, else per mode (None: no limit)."""
    pools = [Mode.IN_PERSON, Mode.ONLINE] if splits_seats(meeting) else [None]
    free: dict[str | None, int | None] = {}
    for pool in pools:
        limit = _seat_limit(meeting, pool)
        free[pool] = None if limit is None else max(limit - _seats_taken(meeting, pool), 0)
    return free


def _pool(seats_free: dict, registration: Registration) -> str | None:
    """Return the seat pool registration would take a seat in (None when the meeting does not split seats)."""
    return _mode_of(registration, None not in seats_free)


def _no_seat_reason(pool: str | None) -> str:
    if pool == Mode.ONLINE:
        return _("no online seat left")
    if pool == Mode.IN_PERSON:
        return _("no seat left in the room")
    return _("no seat left")


def _choose(
    candidates: list[Candidate],
    quotas: list[Quota],
    counts: dict[int, int],
    *,
    seats_free: dict[str | None, int | None],
    top: int,
    rest: str,
) -> list[Outcome]:
    """Accept candidates in order while top, the seats of their mode and their quotas allow; the others get rest.

    Pure: counts and seats_free are copied, nothing is saved.
    """
    counts = dict(counts)
    seats_free = dict(seats_free)
    outcomes: list[Outcome] = []
    accepted = 0
    for candidate in candidates:
        pool = _pool(seats_free, candidate.registration)
        free = seats_free[pool]
        if accepted < top and (free is None or free > 0):
            full = [q for q in quotas if q.matches(candidate.application) and counts[q.pk] >= q.limit]
            if full:
                reason = _("quota reached (%(quota)s, at most %(limit)d)") % {
                    "quota": quota_label(full[0]),
                    "limit": full[0].limit,
                }
                outcomes.append(Outcome(candidate, WAITLIST, reason))
                continue
            for quota in quotas:
                if quota.matches(candidate.application):
                    counts[quota.pk] += 1
            accepted += 1
            if free is not None:
                seats_free[pool] = free - 1
            outcomes.append(Outcome(candidate, ACCEPT))
        else:
            no_seat = free is not None and free <= 0
            reason = _no_seat_reason(pool) if no_seat else _("beyond the number to accept")
            outcomes.append(Outcome(candidate, rest, reason))
    return outcomes


def plan_selection(
    *,
    meeting: Meeting,
    mode: str,
    top: int | None = None,
    selected_ids: Iterable[int] = (),
    action: str = ACCEPT,
    rest: str = WAITLIST,
) -> SelectionPlan:
    """Return what a decision would do, without doing it.

    mode TOP: accept the top `top` applications under review or waiting (by average score),
    respecting quotas and capacity; the others get `rest` (waitlist, reject or keep).
    mode SELECTED: apply `action` to the applications selected; accepting still respects quotas
    and capacity (who does not fit is waitlisted).
    """
    if rest not in (WAITLIST, REJECT, KEEP) or action not in (ACCEPT, WAITLIST, REJECT):
        raise ValidationError(_("Choose what to do from the list."), code="unknown_action")
    candidates = ranked(meeting, (S.PENDING, S.WAITLISTED))
    seats_free = _seats_free(meeting)
    quotas = list(Quota.objects.filter(meeting=meeting))
    counts = _quota_counts(meeting, quotas)
    if mode == TOP:
        if top is None or top < 0:
            raise ValidationError({"top": _("Enter how many people to accept.")}, code="top")
        outcomes = _choose(candidates, quotas, counts, seats_free=seats_free, top=top, rest=rest)
    elif mode == SELECTED:
        wanted = {int(pk) for pk in selected_ids}
        chosen = [c for c in candidates if c.registration.pk in wanted]
        if not chosen:
            raise ValidationError({"selected": _("Select at least one application.")}, code="none_selected")
        if action == ACCEPT:
            outcomes = _choose(chosen, quotas, counts, seats_free=seats_free, top=len(chosen), rest=WAITLIST)
        else:
            outcomes = [Outcome(c, action) for c in chosen]
    else:
        raise ValidationError(_("Choose what to do from the list."), code="unknown_mode")
    return SelectionPlan(tuple(outcomes), seats_free)


def _accept(meeting: Meeting, registration: Registration, application: Application, by: User | None, event: str):
    now = timezone.now()
    set_status(registration, S.REGISTERED)
    registration.decided_by = by
    registration.decided_at = now
    registration.save()
    application.accepted_at = now
    application.confirm_by = confirm_deadline(meeting, application_setup_of(meeting), now)
    application.confirmed_at = None
    application.save(update_fields=["accepted_at", "confirm_by", "confirmed_at", "updated_at"])
    notify_application(registration, event)


def renumber_waitlist(meeting: Meeting) -> None:
    """Give the waiting people positions in the order they would be promoted (their rank), in each mode's waitlist."""
    split = splits_seats(meeting)
    positions: dict[str | None, int] = {}
    for candidate in ranked(meeting, (S.WAITLISTED,)):
        pool = _mode_of(candidate.registration, split)
        positions[pool] = position = positions.get(pool, 0) + 1
        if candidate.registration.position != position:
            Registration.objects.filter(pk=candidate.registration.pk).update(position=position)


@transaction.atomic
def selection_apply(*, meeting: Meeting, by: User | None, digest: str | None = None, **plan_args) -> SelectionPlan:
    """Apply a decision (see plan_selection) in one transaction, with one email per person changed.

    digest, from the preview, must match the plan computed now; otherwise ValidationError
    (code "plan_changed") and nothing changes. Applying the same decision twice changes nothing
    the second time (nobody is changed, nobody is emailed again).
    """
    meeting = Meeting.objects.select_for_update().select_related("community").get(pk=meeting.pk)
    reports_changed(meeting.community_id)  # counted again by the reports (after commit)
    if not meeting.takes_applications:
        raise ValidationError(_("This meeting does not take applications."), code="not_applications")
    if meeting.status != Meeting.Status.SCHEDULED or meeting.has_started:
        raise ValidationError(_("Decisions can be made only before the meeting starts."), code="started")
    list(Registration.objects.filter(meeting=meeting).select_for_update().values_list("pk", flat=True))
    plan = plan_selection(meeting=meeting, **plan_args)
    if digest is not None and digest != plan.digest:
        raise ValidationError(
            _("The applications changed since the preview: check the new preview before confirming."),
            code="plan_changed",
        )
    for outcome in plan.outcomes:
        if not outcome.changes:
            continue
        registration, application = outcome.candidate.registration, outcome.candidate.application
        if outcome.outcome == ACCEPT:
            _accept(meeting, registration, application, by, "accepted")
        elif outcome.outcome == WAITLIST:
            set_status(registration, S.WAITLISTED, position=0)
            registration.save(update_fields=["status", "position", "status_changed_at", "updated_at"])
            notify_application(registration, "waitlisted")
        elif outcome.outcome == REJECT:
            set_status(registration, S.DECLINED)
            registration.decided_by = by
            registration.decided_at = timezone.now()
            registration.save()
            notify_application(registration, "rejected")
    renumber_waitlist(meeting)
    return plan


def promote_from_waitlist(meeting: Meeting) -> list[Registration]:
    """Give free seats to the best-ranked people waiting whose quotas allow it; the caller holds the meeting lock.

    Seats split by mode go to the best-ranked person waiting for that mode.
    """
    if meeting.status != Meeting.Status.SCHEDULED or meeting.has_started:
        return []
    seats_free = _seats_free(meeting)
    quotas = list(Quota.objects.filter(meeting=meeting))
    counts = _quota_counts(meeting, quotas)
    promoted = []
    for candidate in ranked(meeting, (S.WAITLISTED,)):
        if all(free is not None and free <= 0 for free in seats_free.values()):
            break
        pool = _pool(seats_free, candidate.registration)
        free = seats_free[pool]
        if free is not None and free <= 0:
            continue
        matching = [q for q in quotas if q.matches(candidate.application)]
        if any(counts[q.pk] >= q.limit for q in matching):
            continue
        for quota in matching:
            counts[quota.pk] += 1
        if free is not None:
            seats_free[pool] = free - 1
        _accept(meeting, candidate.registration, candidate.application, None, "promoted")
        promoted.append(candidate.registration)
    if promoted:
        renumber_waitlist(meeting)
    return promoted


def _due(now):
    return Application.objects.filter(
        confirm_by__lt=now,
        confirmed_at__isnull=True,
        released_at__isnull=True,
        registration__status=S.REGISTERED,
        meeting__status=Meeting.Status.SCHEDULED,
        meeting__start__gt=now,
    )


def applications_release_unconfirmed(*, now=None) -> int:
    """Release the seats of accepted people who did not confirm by their date; return how many were released.

    Each meeting is handled in its own transaction under its lock; every row is re-checked there.
    """
    now = now or timezone.now()
    released = 0
    for meeting_id in sorted(set(_due(now).values_list("meeting_id", flat=True))):
        released += _release_meeting(meeting_id, now)
    return released


@transaction.atomic
def _release_meeting(meeting_id: int, now) -> int:
    meeting = Meeting.objects.select_for_update().get(pk=meeting_id)
    reports_changed(meeting.community_id)  # counted again by the reports (after commit)
    due = list(_due(now).filter(meeting=meeting).select_for_update().select_related("registration"))
    for application in due:
        registration = application.registration
        set_status(registration, S.CANCELLED)
        registration.save(update_fields=["status", "position", "status_changed_at", "updated_at"])
        application.released_at = now
        application.save(update_fields=["released_at", "updated_at"])
        notify_application(registration, "released")
    if due:
        promote_from_waitlist(meeting)
    return len(due)
