"""A community's groups, shaped from the console: create, change, archive, restore, order; name facilitators.

Rules these functions keep (and the decisions behind them):

- Who. A coordinator of the community (permissions.may_shape_groups) creates, changes,
  archives, restores and orders groups and names or ends facilitators. A facilitator changes
  only the description and themes of the groups they run (permissions.group_editable_fields):
  the name, kind, join policy, visibility and eligibility decide what the group is and who may
  enter it, which stays the coordinators' call; so does who facilitates. Anyone else: GroupError.
- Names and addresses. A group's name is unique in its community (compared as people read it:
  case and spacing aside). The slug is made once, from the name (ASCII; a name with no Latin
  letters, e.g. Arabic, gets "group"), made unique with -2, -3...; renaming keeps the slug so
  links and bookmarks keep working.
- Archived is read-only. An archived group keeps its members, meetings, knowledge and
  discussions and counts in reports, but nobody joins it, is invited or named facilitator in
  it (archiving withdraws its open invitations), nothing is announced to it, and nothing new
  is posted into it (communities.permissions.group_accepts_new_content is the one answer).
  It cannot be changed either: restore it first. Ending a facilitator role stays possible.
- Order. Groups are listed by position (set here, densely 1..n), then naturally by name.
  group_move takes the target position (not "one up"), so a repeated request changes nothing more.
- Every write locks the community row first, returns early when there is nothing to change
  (archiving an archived group records nothing), and records a CommunityEvent with
  {field: [before, after]} in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from members import outbox
from members.models import Organization

from .. import permissions
from ..models import Community, CommunityEvent, Group, Invitation, JoinPolicy, Membership, MembershipEvent, natural_key
from ..permissions import person_cache
from ..theme_names import theme_names_clean
from ._common import MembershipError, _lock_community
from .audit import changes_between, record_event, snapshot
from .memberships import membership_change_role, membership_decline, membership_grant

# The fields the console shows and the history records (themes as their sorted names).
TRACKED_FIELDS = (
    "name",
    "kind",
    "description",
    "language",
    "join_policy",
    "visibility",
    "eligible_organization_kinds",
    "themes",
)
NAME_MAX = 200
DESCRIPTION_MAX = 10_000
SLUG_MAX = 80
# A "create" sent twice within this window by the same person gives back the group it made.
DOUBLE_SUBMIT_WINDOW = timedelta(minutes=2)


class GroupError(MembershipError):
    """A group change the rules refuse; its message (or message_dict, by field) says why, translated."""


# --- Checks ---------------------------------------------------------------------------------------


def _require_shaper(by, community: Community) -> None:
    if not permissions.may_shape_groups(by, community):
        raise GroupError(_("Only a coordinator of the community may do this."), code="forbidden")


def _clean(fields: dict[str, Any], *, community: Community, group: Group | None) -> dict[str, Any]:
    """Return fields cleaned (text trimmed, lists ordered); raise GroupError keyed by field for bad values."""
    errors: dict[str, str] = {}
    cleaned = dict(fields)
    if "name" in cleaned:
        name = " ".join(str(cleaned["name"] or "").split())
        cleaned["name"] = name
        if not name:
            errors["name"] = _("Give the group a name.")
        elif len(name) > NAME_MAX:
            errors["name"] = _("A group's name has at most %(max)d characters.") % {"max": NAME_MAX}
        else:
            others = Group.objects.filter(community=community, sort_name=natural_key(name))
            if group is not None:
                others = others.exclude(pk=group.pk)
            if others.exists():
                errors["name"] = _("This community already has a group called %(name)s.") % {"name": name}
    if "description" in cleaned:
        cleaned["description"] = str(cleaned["description"] or "").strip()
        if len(cleaned["description"]) > DESCRIPTION_MAX:
            errors["description"] = _("The description has at most %(max)d characters.") % {"max": DESCRIPTION_MAX}
    if "language" in cleaned:
        cleaned["language"] = str(cleaned["language"] or "")
        if cleaned["language"] and cleaned["language"] not in dict(settings.LANGUAGES):
            errors["language"] = _("Choose one of the languages offered.")
    if "kind" in cleaned and cleaned["kind"] not in Group.Kind.values:
        errors["kind"] = _("Choose one of the kinds of group offered.")
    if "join_policy" in cleaned and cleaned["join_policy"] not in JoinPolicy.values:
        errors["join_policy"] = _("Choose how people join the group.")
    if "visibility" in cleaned and cleaned["visibility"] not in Group.Visibility.values:
        errors["visibility"] = _("Choose who sees the group.")
    if "eligible_organization_kinds" in cleaned:
        kinds = [str(kind) for kind in cleaned["eligible_organization_kinds"] or []]
        if any(kind not in Organization.Kind.values for kind in kinds):
            errors["eligible_organization_kinds"] = _("Choose kinds of organisation from the list.")
        cleaned["eligible_organization_kinds"] = [kind for kind in Organization.Kind.values if kind in kinds]
    if "themes" in cleaned:
        try:
            cleaned["themes"] = theme_names_clean(cleaned["themes"])
        except ValidationError as error:
            errors["themes"] = " ".join(error.messages)
    if errors:
        raise GroupError(errors, code="invalid")
    return cleaned


def _unique_slug(community: Community, name: str) -> str:
    """Return a slug for a new group of community made from name: ASCII, unique in the community."""
    base = slugify(name)[: SLUG_MAX - 6].strip("-") or "group"
    taken = set(Group.objects.filter(community=community, slug__startswith=base).values_list("slug", flat=True))
    candidate, number = base, 2
    while candidate in taken:
        candidate = f"{base}-{number}"
        number += 1
    return candidate


def _tracked(group: Group) -> dict[str, Any]:
    values = snapshot(group, TRACKED_FIELDS)
    values["themes"] = sorted(values["themes"], key=str.casefold)
    return values


def _as_tracked(value: Any, field: str) -> Any:
    if field == "themes":
        return sorted(value, key=str.casefold)
    return value


def _apply(group: Group, fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        if name != "themes":
            setattr(group, name, value)


def _locked_group(group: Group) -> tuple[Community, Group]:
    community = _lock_community(group.community)
    return community, Group.objects.select_for_update().get(pk=group.pk)


# --- Groups ---------------------------------------------------------------------------------------


@transaction.atomic
def group_create(
    *,
    community: Community,
    by,
    name: str,
    kind: str = Group.Kind.THEMATIC,
    description: str = "",
    language: str = "",
    join_policy: str = JoinPolicy.OPEN,
    visibility: str = Group.Visibility.PUBLIC,
    eligible_organization_kinds: Iterable[str] = (),
    themes: Iterable[str] = (),
) -> Group:
    """Create a group of community at the end of its list; the same form sent twice makes one group."""
    community = _lock_community(community)
    _require_shaper(by, community)
    fields = {
        "name": name,
        "kind": kind,
        "description": description,
        "language": language,
        "join_policy": join_policy,
        "visibility": visibility,
        "eligible_organization_kinds": list(eligible_organization_kinds or []),
        "themes": list(themes or []),
    }
    try:
        fields = _clean(fields, community=community, group=None)
    except GroupError as error:
        repeat = _just_created(community=community, by=by, name=name)
        if repeat is not None and set(error.message_dict) == {"name"}:
            return repeat  # a double submit: the first one made it
        raise
    last = Group.objects.filter(community=community).aggregate(last=Max("position"))["last"] or 0
    group = Group(community=community, slug=_unique_slug(community, fields["name"]), position=last + 1)
    _apply(group, fields)
    group.save()
    group.themes.set(fields["themes"])
    record_event(
        community=community,
        by=by,
        action=CommunityEvent.Action.GROUP_CREATED,
        target=group.name,
        group=group,
        changes=changes_between({}, _tracked(group)),
    )
    return group


def _just_created(*, community: Community, by, name: str) -> Group | None:
    """Return the group called name that by created in the last moments, if any (a repeated "create")."""
    if not getattr(by, "is_authenticated", False):
        return None
    recent = (
        CommunityEvent.objects.filter(
            community=community,
            actor=by,
            action=CommunityEvent.Action.GROUP_CREATED,
            group__sort_name=natural_key(" ".join(str(name or "").split())),
            created_at__gte=timezone.now() - DOUBLE_SUBMIT_WINDOW,
        )
        .select_related("group")
        .first()
    )
    return recent.group if recent is not None else None


@transaction.atomic
def group_update(*, group: Group, by, **fields) -> Group:
    """Change a group's fields (a coordinator: all; its facilitator: description and themes).

    Sending the same values again changes nothing and records nothing.
    """
    unknown = set(fields) - set(TRACKED_FIELDS)
    if unknown:
        raise TypeError(f"group_update() got unexpected fields: {sorted(unknown)}")
    community, group = _locked_group(group)
    if not permissions.can_manage(by, group):
        raise GroupError(_("Only a coordinator, or a facilitator of the group, may do this."), code="forbidden")
    if group.is_archived:
        raise GroupError(
            _("%(group)s is archived: restore it before changing it.") % {"group": group.name}, code="archived"
        )
    fields = _clean(fields, community=community, group=group)
    before = _tracked(group)
    changed = {name for name, value in fields.items() if _as_tracked(value, name) != before[name]}
    if not changed:
        return group
    if changed - permissions.group_editable_fields(by, group):
        raise GroupError(
            _("As a facilitator you can change the group's description and themes; ask a coordinator for the rest."),
            code="forbidden",
        )
    _apply(group, {name: fields[name] for name in changed})
    group.save()
    if "themes" in changed:
        group.themes.set(fields["themes"])
    record_event(
        community=community,
        by=by,
        action=CommunityEvent.Action.GROUP_UPDATED,
        target=group.name,
        group=group,
        changes=changes_between(before, _tracked(group)),
    )
    return group


@transaction.atomic
def group_archive(*, group: Group, by) -> Group:
    """Archive a group (read-only from now on); archiving an archived group changes and records nothing."""
    community, group = _locked_group(group)
    _require_shaper(by, community)
    if group.is_archived:
        return group
    group.archived_at = timezone.now()
    group.archived_by = by if getattr(by, "is_authenticated", False) else None
    group.save(update_fields=["archived_at", "archived_by", "updated_at"])
    # Nobody may enter an archived group, so its open invitations are withdrawn now rather than
    # refused when someone clicks them; restoring the group does not bring them back.
    withdrawn = Invitation.objects.open().filter(group=group).update(revoked_at=group.archived_at)
    # Its pending requests can never be approved now: decline them, each requester told why in
    # their own language (membership_decline emails them, once, through the outbox).
    pending = list(Membership.objects.pending().filter(group=group).select_related("user", "community", "group"))
    for membership in pending:
        with translation.override(membership.user.language or community.default_language):
            reason = _("%(group)s is archived: nobody joins it any more.") % {"group": group.name}
        membership_decline(membership=membership, by=by, reason=reason)
    changes = {"archived": [False, True]}
    if withdrawn:
        changes["open_invitations"] = [withdrawn, 0]
    if pending:
        changes["pending_requests"] = [len(pending), 0]
    record_event(
        community=community,
        by=by,
        action=CommunityEvent.Action.GROUP_ARCHIVED,
        target=group.name,
        group=group,
        changes=changes,
    )
    return group


@transaction.atomic
def group_restore(*, group: Group, by) -> Group:
    """Bring an archived group back into use; restoring a group in use changes and records nothing."""
    community, group = _locked_group(group)
    _require_shaper(by, community)
    if not group.is_archived:
        return group
    group.archived_at = None
    group.archived_by = None
    group.save(update_fields=["archived_at", "archived_by", "updated_at"])
    record_event(
        community=community,
        by=by,
        action=CommunityEvent.Action.GROUP_RESTORED,
        target=group.name,
        group=group,
        changes={"archived": [True, False]},
    )
    return group


@transaction.atomic
def group_move(*, group: Group, by, position: int) -> Group:
    """Put group at position (1 = first) in its community's list and number every group 1..n.

    The position is where the group should end up, not a step, so the same request sent
    twice changes nothing more; a position past either end means first or last.
    """
    community, group = _locked_group(group)
    _require_shaper(by, community)
    groups = list(Group.objects.filter(community=community).in_order().select_for_update())
    index = next(i for i, candidate in enumerate(groups) if candidate.pk == group.pk)
    target = min(max(int(position), 1), len(groups)) - 1
    groups.insert(target, groups.pop(index))
    renumbered = []
    for number, candidate in enumerate(groups, start=1):
        if candidate.position != number:
            candidate.position = number
            renumbered.append(candidate)
    if renumbered:
        Group.objects.bulk_update(renumbered, ["position"])
        person_cache.everyone_changed()  # no signal: the people's remembered groups are in the old order
    if target != index:
        record_event(
            community=community,
            by=by,
            action=CommunityEvent.Action.GROUPS_REORDERED,
            target=group.name,
            group=group,
            changes={"position": [index + 1, target + 1]},
        )
    group.position = target + 1
    return group


# --- Facilitators ---------------------------------------------------------------------------------


@transaction.atomic
def facilitator_name(*, group: Group, user, by) -> Membership:
    """Make user, an active member of the group's community, a facilitator of group; naming twice changes nothing.

    Their group membership is created or raised through the membership services, so the
    membership's history and guardian's permissions (permissions_sync) follow.
    """
    community, group = _locked_group(group)
    _require_shaper(by, community)
    if group.is_archived:
        raise GroupError(
            _("%(group)s is archived: restore it before naming facilitators.") % {"group": group.name},
            code="archived",
        )
    in_community = Membership.objects.active().community_level().filter(user=user, community=community).exists()
    if not in_community:
        raise GroupError(
            _("%(name)s is not an active member of %(community)s.")
            % {"name": user.get_full_name(), "community": community.name},
            code="not_member",
        )
    membership = Membership.objects.filter(user=user, community=community, group=group).first()
    active = membership is not None and membership.status == Membership.Status.ACTIVE
    if active and membership.role == Membership.Role.FACILITATOR:
        return membership
    before = membership.role if active else ""
    if active:
        membership = membership_change_role(membership=membership, role=Membership.Role.FACILITATOR, by=by)
    else:
        membership = membership_grant(
            user=user, community=community, group=group, role=Membership.Role.FACILITATOR, by=by
        )
        # membership_grant is the quiet door of imports and demo data; a person named here is
        # told, as a member whose role is raised is told by membership_change_role.
        joined = (
            MembershipEvent.objects.filter(membership=membership, to_role=Membership.Role.FACILITATOR)
            .order_by("-pk")
            .first()
        )
        if joined is not None:
            outbox.enqueue(
                "communities.notify_role_changed", membership.pk, joined.pk, key=f"membership-event:{joined.pk}"
            )
    record_event(
        community=community,
        by=by,
        action=CommunityEvent.Action.FACILITATOR_NAMED,
        target=user.get_full_name(),
        group=group,
        changes={"role": [before, Membership.Role.FACILITATOR]},
    )
    return membership


@transaction.atomic
def facilitator_remove(*, group: Group, user, by) -> Membership | None:
    """End user's facilitator role in group (they stay a member of it); ending it twice changes nothing."""
    community, group = _locked_group(group)
    _require_shaper(by, community)
    membership = (
        Membership.objects.active()
        .filter(user=user, community=community, group=group, role=Membership.Role.FACILITATOR)
        .first()
    )
    if membership is None:
        return None
    membership = membership_change_role(membership=membership, role=Membership.Role.MEMBER, by=by)
    record_event(
        community=community,
        by=by,
        action=CommunityEvent.Action.FACILITATOR_REMOVED,
        target=user.get_full_name(),
        group=group,
        changes={"role": [Membership.Role.FACILITATOR, Membership.Role.MEMBER]},
    )
    return membership
