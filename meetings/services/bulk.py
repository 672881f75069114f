"""Inviting or registering many members at once: a plan that writes nothing, then its confirmed application.

The rules, once:
- The people come only from the meeting's community and only among its ACTIVE members
  (community-level membership active, account active); nobody outside it is ever reached.
- Criteria: groups (an active membership in one of them), partner roles (the person's
  organisation has a current partnership of that role in this community), organisation kinds,
  countries (the person's own country, and only when they show it). Each criterion chosen must
  hold; within one, any value does.
- The plan lists who is included and who is excluded and why (already registered, already
  invited, cannot see the meeting, declined by the organisers, cancelled their registration
  themselves, or whose membership awaits approval).
- Applying locks the meeting, plans again and acts only on people both previewed and still
  included: a stale or repeated confirm reaches nobody twice. Registering goes through
  registration_invite (capacity, waitlist, the registration email); inviting writes one
  MeetingInvitation per person and its email through the outbox, in each person's language.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext_lazy as _

from communities.models import Group, Membership, Partnership
from communities.reporting import reports_changed
from members import outbox
from members.models import User

from .. import tasks
from ..models import Meeting, MeetingInvitation, Registration
from .registrations import registration_invite

REGISTER = "register"
INVITE = "invite"
MODES = (REGISTER, INVITE)

# Why a person matching the criteria is left out; the labels are what the preview shows.
EXCLUSION_REASONS = {
    "registered": _("Already registered, waiting or awaiting approval"),
    "invited": _("Already invited"),
    "declined": _("The organisers declined their registration"),
    "cancelled": _("Cancelled their registration themselves"),
    "cannot_see": _("Cannot see this meeting (a private group's)"),
    "not_active": _("Membership awaiting approval: not an active member"),
}


@dataclass(frozen=True)
class Criteria:
    """Who to reach: each chosen criterion must hold; an empty one is not applied."""

    group_ids: tuple[int, ...] = ()
    partner_role_ids: tuple[int, ...] = ()
    organisation_kinds: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not (self.group_ids or self.partner_role_ids or self.organisation_kinds or self.countries)

    def to_json(self) -> dict:
        return {
            "g": sorted(self.group_ids),
            "p": sorted(self.partner_role_ids),
            "k": sorted(self.organisation_kinds),
            "c": sorted(self.countries),
        }

    @classmethod
    def from_json(cls, data: dict) -> Criteria:
        return cls(
            group_ids=tuple(int(pk) for pk in data.get("g", ())),
            partner_role_ids=tuple(int(pk) for pk in data.get("p", ())),
            organisation_kinds=tuple(str(kind) for kind in data.get("k", ())),
            countries=tuple(str(code) for code in data.get("c", ())),
        )


@dataclass(frozen=True)
class Person:
    """One row of the preview: who, from which organisation, and why they are left out (empty: included)."""

    user_id: int
    name: str
    organisation: str
    reason: str = ""

    @property
    def reason_label(self) -> str:
        return str(EXCLUSION_REASONS.get(self.reason, ""))


@dataclass
class BulkPlan:
    mode: str
    included: list[Person] = field(default_factory=list)
    excluded: list[Person] = field(default_factory=list)

    @property
    def included_ids(self) -> list[int]:
        return [person.user_id for person in self.included]


@dataclass
class BulkResult:
    plan: BulkPlan
    registered: list[Registration] = field(default_factory=list)
    invited: list[MeetingInvitation] = field(default_factory=list)

    @property
    def done(self) -> int:
        return len(self.registered) + len(self.invited)


def check_mode(meeting: Meeting, mode: str) -> None:
    """Raise a ValidationError keyed "mode" when meeting cannot take this kind of bulk step now."""
    if mode not in MODES:
        raise ValidationError({"mode": _("Choose whether to invite or to register.")}, code="unknown_mode")
    if meeting.status != Meeting.Status.SCHEDULED or meeting.has_started:
        raise ValidationError(
            {"mode": _("This meeting is cancelled, held or under way: nobody can be invited now.")}, code="closed"
        )
    if mode == INVITE and meeting.registration_policy == Meeting.RegistrationPolicy.INVITATION:
        raise ValidationError(
            {"mode": _("This meeting is by invitation only: register the people instead, they get a seat.")},
            code="invitation_only",
        )
    if mode == REGISTER and meeting.registration_policy == Meeting.RegistrationPolicy.NONE:
        raise ValidationError(
            {"mode": _("This meeting takes no registrations: invite the people instead.")}, code="no_registration"
        )


def _matching(memberships: QuerySet[Membership], meeting: Meeting, criteria: Criteria) -> QuerySet[User]:
    """Return the people of memberships (community-level) who meet every criterion."""
    community = meeting.community
    people = User.objects.filter(is_active=True, pk__in=memberships.values("user_id"))
    if criteria.group_ids:
        in_group = Membership.objects.active().filter(
            user=OuterRef("pk"), community=community, group_id__in=criteria.group_ids
        )
        people = people.filter(Exists(in_group))
    if criteria.partner_role_ids:
        partners = Partnership.objects.current().filter(community=community, role_id__in=criteria.partner_role_ids)
        people = people.filter(organization__in=partners.values("organization_id"))
    if criteria.organisation_kinds:
        people = people.filter(organization__kind__in=criteria.organisation_kinds)
    if criteria.countries:
        # A person who keeps their country to themselves is never picked by it (User.show_country).
        people = people.filter(country__in=criteria.countries, show_country=True)
    return people.select_related("organization").order_by("full_name", "pk")


def _person(user: User, reason: str = "") -> Person:
    return Person(
        user_id=user.pk,
        name=user.get_full_name(),
        organisation=user.organization.name if user.organization_id else "",
        reason=reason,
    )


def _sees_meeting(meeting: Meeting, users: Iterable[User]) -> set[int]:
    """Return the ids of users who may see meeting; every active member does unless a group walls it."""
    users = list(users)
    if meeting.group_id is None or meeting.group.visibility != Group.Visibility.PRIVATE:
        return {user.pk for user in users}
    return {user.pk for user in users if Meeting.objects.visible_to(user).filter(pk=meeting.pk).exists()}


def bulk_plan(*, meeting: Meeting, mode: str, criteria: Criteria) -> BulkPlan:
    """Return who a bulk step would reach and who it leaves out, and why; write nothing."""
    plan = BulkPlan(mode=mode)
    community = meeting.community
    active = Membership.objects.active().community_level().filter(community=community)
    candidates = list(_matching(active, meeting, criteria))
    statuses = dict(
        Registration.objects.filter(meeting=meeting, user__in=[user.pk for user in candidates]).values_list(
            "user_id", "status"
        )
    )
    invited = set()
    if mode == INVITE:
        invited = set(
            MeetingInvitation.objects.filter(meeting=meeting, user__in=[user.pk for user in candidates]).values_list(
                "user_id", flat=True
            )
        )
    sees = _sees_meeting(meeting, candidates)
    for user in candidates:
        status = statuses.get(user.pk)
        if status in Registration.ACTIVE_STATUSES:
            reason = "registered"
        elif status == Registration.Status.DECLINED:
            reason = "declined"
        elif status == Registration.Status.CANCELLED:
            reason = "cancelled"
        elif user.pk in invited:
            reason = "invited"
        elif user.pk not in sees:
            reason = "cannot_see"
        else:
            reason = ""
        (plan.excluded if reason else plan.included).append(_person(user, reason))
    pending = Membership.objects.filter(community=community, group__isnull=True, status=Membership.Status.PENDING)
    active_ids = {user.pk for user in candidates}
    for user in _matching(pending, meeting, criteria):
        if user.pk not in active_ids:
            plan.excluded.append(_person(user, "not_active"))
    return plan


@transaction.atomic
def bulk_apply(
    *, meeting: Meeting, by: User | None, mode: str, criteria: Criteria, user_ids: Iterable[int]
) -> BulkResult:
    """Invite or register the people a preview showed (user_ids) who are still included now.

    The meeting row is locked first, so two confirms of the same preview run one after the other
    and the second finds everybody already done (it sends nothing). Emails leave through the
    outbox in this transaction, each in the recipient's language.
    """
    meeting = Meeting.objects.select_for_update(of=("self",)).select_related("community", "group").get(pk=meeting.pk)
    reports_changed(meeting.community_id)  # counted again by the reports (after commit)
    check_mode(meeting, mode)
    plan = bulk_plan(meeting=meeting, mode=mode, criteria=criteria)
    previewed = set(user_ids)
    result = BulkResult(plan=plan)
    chosen = [person.user_id for person in plan.included if person.user_id in previewed]
    people = User.objects.in_bulk(chosen)
    for user_id in chosen:
        user = people[user_id]
        if mode == REGISTER:
            result.registered.append(registration_invite(meeting=meeting, user=user, by=by))
            continue
        invitation, created = MeetingInvitation.objects.get_or_create(
            meeting=meeting, user=user, defaults={"invited_by": by}
        )
        if created:
            outbox.enqueue(tasks.notify_meeting_invitation, invitation.pk, key=f"meeting-invitation:{invitation.pk}")
            result.invited.append(invitation)
    return result


def bulk_countries(*, meeting: Meeting) -> list[str]:
    """Return the country codes the community's active members show, for the country criterion."""
    active = Membership.objects.active().community_level().filter(community=meeting.community)
    codes = (
        User.objects.filter(is_active=True, show_country=True, pk__in=active.values("user_id"))
        .exclude(country="")
        .values_list("country", flat=True)
        .distinct()
    )
    return sorted(str(code) for code in codes)


__all__ = [
    "BulkPlan",
    "BulkResult",
    "Criteria",
    "EXCLUSION_REASONS",
    "INVITE",
    "MODES",
    "Person",
    "REGISTER",
    "bulk_apply",
    "bulk_countries",
    "bulk_plan",
    "check_mode",
]
