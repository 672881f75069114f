"""The one door: every access decision of the portal is a function of this module.

Apps, the admin, digests and reports call these functions; nothing else asks guardian
(has_perm, get_objects_for_user, its tables) or writes its own superuser rule.

- One superuser rule: `is_portal_admin(user)`, an active signed-in superuser sees and manages everything.
- Membership: `is_active_member`, and the subqueries `active_community_ids`, `active_group_ids`.
- Groups: `visible_group_ids` (Group.visibility: public, members, private) and `in_visible_group`,
  the condition every app adds so that a private group's meetings, items and threads stay behind it.
- Management: a coordinator manages the community and every group in it, a facilitator their
  group (`can_manage`, `managed_community_ids`, `managed_group_ids`). The roles are recorded as
  guardian object permissions, kept in step with Membership by `permissions_sync`.
- Per-object grants (`granted_ids`): guardian object permissions on one object (a co-author's
  knowledge.change_knowledgeitem, a co-organiser's meetings.organise_meeting, a facilitator's
  communities.manage_group) count only while the person is an active member of the object's
  community. Leaving or being removed ends them on the very next request, even before the
  grant itself is revoked.

Every function returning ids returns a subquery (a `values("pk")` queryset), so callers filter
with it inside their own query and query counts do not grow with data.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.contrib.contenttypes.models import ContentType
from django.db.models import BigIntegerField, Q, QuerySet
from django.db.models.functions import Cast

COMMUNITY_PERM = "communities.manage_community"
GROUP_PERM = "communities.manage_group"


# --- Answers remembered for one request ----------------------------------------------------------

# A page asks the same question several times (the view, then each app's hook, then the
# navigation): "is this person a member here?", "may they manage this group?". While a read-only
# request is served (CommunityMiddleware opens `request_answers()` for GET and HEAD), each yes/no
# answer is computed once and reused; outside a request, and on any request that writes, every
# call asks the database, so a change is seen at once.
_answers: ContextVar[dict | None] = ContextVar("permission_answers", default=None)


@contextmanager
def request_answers() -> Iterator[None]:
    """Remember the yes/no answers of this module until the block ends (one read-only request)."""
    token = _answers.set({})
    try:
        yield
    finally:
        _answers.reset(token)


def _key_part(value):
    if value is None or isinstance(value, str | int | bool):
        return value
    if getattr(value, "_meta", None) is not None:
        return (value._meta.label, value.pk)
    raise TypeError(value)  # pragma: no cover - only models, ids and strings are asked about


def _key(name: str, user, args, kwargs) -> tuple:
    signed_in = _signed_in(user)
    return (
        name,
        user.pk if signed_in else None,
        signed_in and user.is_superuser,
        *(_key_part(arg) for arg in args),
        *((key, _key_part(value)) for key, value in sorted(kwargs.items())),
    )


def _remembered(function):
    """Answer function once per (person, objects) within `request_answers()`; otherwise always ask."""

    @functools.wraps(function)
    def wrapper(user, *args, **kwargs):
        answers = _answers.get()
        if answers is None:
            return function(user, *args, **kwargs)
        key = _key(function.__name__, user, args, kwargs)
        if key not in answers:
            answers[key] = function(user, *args, **kwargs)
        return answers[key]

    return wrapper


def note_memberships(user, community, memberships) -> None:
    """Keep, for this request, user's memberships in community and its groups (all of them, just read).

    A page that has read them (communities.selectors.memberships_of) then asks `is_active_member`
    and `can_post_in` about this community and its groups without a query.
    """
    answers = _answers.get()
    if answers is not None and _signed_in(user):
        answers[("memberships", user.pk, community.pk)] = {m.group_id: m for m in memberships}


def _known_membership(user, community_id: int, group_id: int | None):
    """Return (True, membership or None) when this request already read user's memberships in the community."""
    answers = _answers.get()
    known = answers.get(("memberships", user.pk, community_id)) if answers is not None else None
    if known is None:
        return False, None
    return True, known.get(group_id)


# --- Who the person is -----------------------------------------------------------------------------


def is_portal_admin(user) -> bool:
    """Return whether user is a portal administrator: the one superuser rule of the portal."""
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_superuser)


def portal_admins() -> QuerySet:
    """Return the portal administrators (the people is_portal_admin answers yes for)."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(is_superuser=True, is_active=True)


def _signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


# --- Membership ------------------------------------------------------------------------------------


def active_community_ids(user) -> QuerySet:
    """Return a subquery of the ids of the communities user is an active member of."""
    from .models import Membership

    if not _signed_in(user):
        return Membership.objects.none().values("community_id")
    return Membership.objects.active().community_level().filter(user=user).values("community_id")


def active_group_ids(user) -> QuerySet:
    """Return a subquery of the ids of the groups user is an active member of (in a community they are in)."""
    from .models import Membership

    if not _signed_in(user):
        return Membership.objects.none().values("group_id")
    return (
        Membership.objects.active()
        .group_level()
        .filter(user=user, community__in=active_community_ids(user))
        .values("group_id")
    )


@_remembered
def is_active_member(user, community) -> bool:
    """Return whether user is an active member of community (portal administrators count as members)."""
    if is_portal_admin(user):
        return True
    if not _signed_in(user):
        return False
    from .models import Membership

    read, membership = _known_membership(user, community.pk, None)
    if read:
        return membership is not None and membership.status == Membership.Status.ACTIVE
    return Membership.objects.active().community_level().filter(user=user, community=community).exists()


def can_see_content(user, community) -> bool:
    """Return whether user may see community's content (its groups, people, meetings, items, threads).

    The same answer as Community.objects.content_visible_to(user), from the community row at hand
    and the membership answer: a public community's content shows to everyone, a members-only
    one's to its active members (portal administrators count as members).
    """
    from .models import Community

    if community.visibility == Community.Visibility.PUBLIC:
        return True
    return is_active_member(user, community)


# --- Invitations -----------------------------------------------------------------------------------


def verified_addresses(user) -> QuerySet:
    """Return a subquery of user's verified email addresses, lower-cased (invitations store them so)."""
    from allauth.account.models import EmailAddress
    from django.db.models.functions import Lower

    if not _signed_in(user):
        return EmailAddress.objects.none().values("email")
    return EmailAddress.objects.filter(user=user, verified=True).annotate(address=Lower("email")).values("address")


def may_accept_invitation(user, invitation) -> bool:
    """Return whether user may accept invitation: it was sent to an address verified on their account.

    An invitation is for its address, not for whoever holds the link: a forwarded or leaked
    link gives nothing to another account. Every role follows the rule, a coordinator's role
    included, with no fallback to the account's (possibly unverified) main address; a person
    invited under another address of theirs adds it to their account and confirms it first.
    """
    if not _signed_in(user):
        return False
    address = (invitation.email or "").strip().lower()
    return bool(address) and verified_addresses(user).filter(address=address).exists()


# --- Per-object grants -----------------------------------------------------------------------------


def _split(perm: str) -> tuple[str, str]:
    app_label, _, codename = perm.rpartition(".")
    return app_label, codename


def granted_ids(user, perm: str, model, *, community_field: str = "community", object_pk=None) -> QuerySet:
    """Return a subquery of the ids of model's objects on which user holds the guardian permission perm.

    A grant counts only while user is an active member of the object's community
    (community_field names the path from model to its community; for Community itself the
    object is the community). Grants through auth groups count too; global permissions never do.

    object_pk, when the question is about one object, restricts to it first: guardian's rows are
    then found by their (user, content type, object) index, and model's by its primary key, instead
    of casting every grant's text id and scanning all of model's rows (a million items) to match them.
    """
    from guardian.models import GroupObjectPermission, UserObjectPermission

    from .models import Community

    if not _signed_in(user):
        return model._default_manager.none().values("pk")
    app_label, codename = _split(perm)
    content_type = ContentType.objects.get_for_model(model)
    scope = {"permission__codename": codename, "content_type": content_type}
    if app_label:
        scope["permission__content_type__app_label"] = app_label
    objects = model._default_manager.all()
    if object_pk is not None:
        scope["object_pk"] = str(object_pk)
        objects = objects.filter(pk=object_pk)
    direct = (
        UserObjectPermission.objects.filter(user=user, **scope)
        .annotate(object_id=Cast("object_pk", BigIntegerField()))
        .values("object_id")
    )
    via_groups = (
        GroupObjectPermission.objects.filter(group__user=user, **scope)
        .annotate(object_id=Cast("object_pk", BigIntegerField()))
        .values("object_id")
    )
    field = "pk" if model is Community else community_field
    return (
        objects.filter(Q(pk__in=direct) | Q(pk__in=via_groups))
        .filter(**{f"{field}__in": active_community_ids(user)})
        .values("pk")
    )


def has_grant(user, perm: str, obj, *, community_field: str = "community") -> bool:
    """Return whether user holds the per-object grant perm on obj, while an active member of its community."""
    if not _signed_in(user):
        return False
    return granted_ids(user, perm, type(obj), community_field=community_field, object_pk=obj.pk).exists()


def users_granted(perm: str, obj, *, community_field: str = "community") -> QuerySet:
    """Return the active users holding perm on obj directly, who are still active members of its community."""
    from django.contrib.auth import get_user_model
    from guardian.models import UserObjectPermission

    from .models import Community, Membership

    app_label, codename = _split(perm)
    holders = UserObjectPermission.objects.filter(
        permission__codename=codename,
        permission__content_type__app_label=app_label,
        content_type=ContentType.objects.get_for_model(type(obj)),
        object_pk=str(obj.pk),
    ).values("user_id")
    community_id = obj.pk if isinstance(obj, Community) else getattr(obj, f"{community_field}_id")
    members = Membership.objects.active().community_level().filter(community_id=community_id).values("user_id")
    return get_user_model().objects.filter(pk__in=holders, is_active=True).filter(pk__in=members)


def grants_of(user_ids, perms: list[str]) -> list[tuple[int, str, int]]:
    """Return (user_id, codename, object_id) of the direct grants perms held by user_ids, in one query.

    Digests use it to know who manages what for many people at once; a caller still
    intersects it with the person's active memberships (as they load those anyway).
    """
    from guardian.models import UserObjectPermission

    query = Q()
    for perm in perms:
        app_label, codename = _split(perm)
        query |= Q(permission__content_type__app_label=app_label, permission__codename=codename)
    rows = UserObjectPermission.objects.filter(query, user_id__in=user_ids).values_list(
        "user_id", "permission__codename", "object_pk"
    )
    return [(user_id, codename, int(object_pk)) for user_id, codename, object_pk in rows]


# --- Management ------------------------------------------------------------------------------------


def managed_community_ids(user) -> QuerySet:
    """Return a subquery of the ids of the communities user coordinates (all of them for an administrator)."""
    from .models import Community

    if is_portal_admin(user):
        return Community.objects.values("pk")
    return granted_ids(user, COMMUNITY_PERM, Community)


def managed_group_ids(user) -> QuerySet:
    """Return a subquery of the ids of the groups user manages: as coordinator of their community, or facilitator."""
    from .models import Group

    if is_portal_admin(user):
        return Group.objects.values("pk")
    if not _signed_in(user):
        return Group.objects.none().values("pk")
    return Group.objects.filter(
        Q(community__in=managed_community_ids(user)) | Q(pk__in=granted_ids(user, GROUP_PERM, Group))
    ).values("pk")


@_remembered
def can_manage(user, target) -> bool:
    """Return whether user manages target, a Community or a Group."""
    from .models import Community

    if is_portal_admin(user):
        return True
    if not _signed_in(user) or target is None:
        return False
    if isinstance(target, Community):
        return type(target).objects.filter(pk=target.pk, pk__in=managed_community_ids(user)).exists()
    return type(target).objects.filter(pk=target.pk, pk__in=managed_group_ids(user)).exists()


@_remembered
def manages_any_group(user, community) -> bool:
    """Return whether user manages community or at least one of its groups."""
    from .models import Group

    if is_portal_admin(user):
        return True
    return Group.objects.filter(community=community, pk__in=managed_group_ids(user)).exists() or can_manage(
        user, community
    )


def managed_membership_filter(user, community) -> Q:
    """Return a Q limiting rows of community (memberships, invitations) to those user decides on.

    A coordinator decides on every row of the community; a facilitator on the rows of their groups.
    """
    if not _signed_in(user):
        return Q(pk__in=[])
    if can_manage(user, community):
        return Q()
    return Q(group__in=managed_group_ids(user))


# --- Groups: who sees which ----------------------------------------------------------------------


def visible_group_ids(user) -> QuerySet:
    """Return a subquery of the ids of the groups user may see (Group.visibility).

    A public group shows to whoever may see its community's content; a members group to the
    community's active members; a private group only to its own active members, the
    community's coordinators and portal administrators.
    """
    from .models import Community, Group

    if is_portal_admin(user):
        return Group.objects.values("pk")
    public = Q(
        visibility=Group.Visibility.PUBLIC,
        community__in=Community.objects.content_visible_to(user).values("pk"),
    )
    if not _signed_in(user):
        return Group.objects.filter(public).values("pk")
    return Group.objects.filter(
        public
        | Q(visibility=Group.Visibility.MEMBERS, community__in=active_community_ids(user))
        | Q(pk__in=active_group_ids(user))
        | Q(community__in=managed_community_ids(user))
    ).values("pk")


def in_visible_group(user, field: str = "group") -> Q:
    """Return a Q keeping the rows whose group (field) user may see, and the rows of no group.

    Meetings, knowledge items and threads of a private group stay behind its wall: each app's
    visible_to adds this condition (one subquery, so query counts do not change).
    """
    if is_portal_admin(user):
        return Q()
    return Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__in": visible_group_ids(user)})


@_remembered
def can_see_group(user, group) -> bool:
    """Return whether user may see group (see visible_group_ids)."""
    if is_portal_admin(user):
        return True
    return type(group).objects.filter(pk=group.pk, pk__in=visible_group_ids(user)).exists()


# --- Spaces: a community or one of its groups, where people talk ---------------------------------


@_remembered
def can_post_in(user, community, group=None) -> bool:
    """Return whether user may write in a space: the community's active members; for a group, its
    active members and the people who manage it (coordinators, its facilitators).

    Nobody writes in an archived group (it is read-only until a coordinator restores it).
    """
    if group is not None and not group_accepts_new_content(group):
        return False
    if is_portal_admin(user):
        return True
    if not is_active_member(user, community):
        return False
    if group is None:
        return True
    from .models import Membership

    read, membership = _known_membership(user, community.pk, group.pk)
    if read:
        in_group = membership is not None and membership.status == Membership.Status.ACTIVE
    else:
        in_group = Membership.objects.active().filter(user=user, community=community, group=group).exists()
    return in_group or can_manage(user, group)


def postable_group_ids(user) -> QuerySet:
    """Return a subquery of the groups user may write in (see can_post_in)."""
    from .models import Group

    if is_portal_admin(user):
        return Group.objects.unarchived().values("pk")
    return (
        Group.objects.unarchived()
        .filter(
            Q(pk__in=active_group_ids(user)) | Q(pk__in=managed_group_ids(user)),
            community__in=active_community_ids(user),
        )
        .values("pk")
    )


def group_accepts_new_content(group) -> bool:
    """Return whether new members, discussions, meetings or knowledge may go into group: not when it is archived.

    An archived group keeps what it has (and counts in reports) but is read-only: the join
    services, the posting checks above and the meeting and knowledge services all ask here.
    """
    return group is None or group.archived_at is None


def may_shape_groups(user, community) -> bool:
    """Return whether user may create, archive, restore and order community's groups and name facilitators.

    The community's coordinators (and portal administrators); a facilitator runs their group but
    does not change the community's shape.
    """
    return can_manage(user, community)


# What a group's facilitator may change in the console: what the group is about, not who may enter it
# (join policy, visibility, eligibility) nor what it is called or what kind it is (coordinators decide).
GROUP_FIELDS = frozenset(
    {"name", "kind", "description", "join_policy", "visibility", "eligible_organization_kinds", "themes"}
)
FACILITATOR_GROUP_FIELDS = frozenset({"description", "themes"})


def group_editable_fields(user, group) -> frozenset[str]:
    """Return the fields of group user may change from the console (empty: none, or the group is archived)."""
    if group.archived_at is not None:
        return frozenset()
    if may_shape_groups(user, group.community):
        return GROUP_FIELDS
    if can_manage(user, group):
        return FACILITATOR_GROUP_FIELDS
    return frozenset()


def space_writer_ids(community, group=None) -> QuerySet:
    """Return a subquery of the ids of the people who may write in a space (see can_post_in).

    The community's active members; for a group, those of them who are active members of the
    group or coordinate the community (a group's facilitators are its members). Used to find
    the people an @mention may name.
    """
    from .models import Membership

    members = Membership.objects.active().community_level().filter(community=community).values("user_id")
    if group is None:
        return members
    in_group = Membership.objects.active().filter(community=community, group=group).values("user_id")
    coordinators = (
        Membership.objects.active()
        .community_level()
        .filter(community=community, role=Membership.Role.COORDINATOR)
        .values("user_id")
    )
    from django.contrib.auth import get_user_model

    return (
        get_user_model().objects.filter(pk__in=members).filter(Q(pk__in=in_group) | Q(pk__in=coordinators)).values("pk")
    )


def readers_among(user_ids, community) -> set[int]:
    """Return which of user_ids may read the community's spaces now and hear from them: its active
    members (a person who left hears nothing more, even from a public community), in one query."""
    from .models import Membership

    return set(
        Membership.objects.active()
        .community_level()
        .filter(community=community, user_id__in=list(user_ids), user__is_active=True)
        .values_list("user_id", flat=True)
    )


# --- Keeping guardian in step ----------------------------------------------------------------------


def grant(perm: str, user, obj) -> None:
    """Give user the per-object permission perm on obj (idempotent)."""
    from guardian.shortcuts import assign_perm

    assign_perm(perm, user, obj)


def revoke(perm: str, user, obj) -> None:
    """Take the per-object permission perm on obj away from user (idempotent)."""
    from guardian.shortcuts import remove_perm

    remove_perm(perm, user, obj)


def revoke_all_in(*, user, perm: str, model, community, community_field: str = "community") -> int:
    """Remove user's direct grants perm on every object of model in community; return how many were removed."""
    from guardian.models import UserObjectPermission

    app_label, codename = _split(perm)
    ids = model._default_manager.filter(**{community_field: community}).values_list("pk", flat=True)
    rows = UserObjectPermission.objects.filter(
        user=user,
        permission__codename=codename,
        permission__content_type__app_label=app_label,
        content_type=ContentType.objects.get_for_model(model),
        object_pk__in=[str(pk) for pk in ids],
    )
    removed, _ = rows.delete()
    return removed


def may_import(user) -> bool:
    """Return whether user may import organisations, people and memberships from a CSV file in the admin."""
    return bool(
        _signed_in(user)
        and user.has_perms(["communities.add_membership", "members.add_organization", "members.add_user"])
    )


# --- Bulk writers ---------------------------------------------------------------------------------


def user_grant_model():
    """Return guardian's per-user grant model, for writers that fill role grants in bulk (seed_scale).

    Such a writer must leave the rows exactly as permissions_sync would (see communities.services).
    """
    from guardian.models import UserObjectPermission

    return UserObjectPermission


def existing_user_grants(permission_ids) -> set[tuple[int, int, int, str]]:
    """Return the (user, permission, content type, object) rows of the given permissions already granted."""
    return set(
        user_grant_model()
        .objects.filter(permission__in=permission_ids)
        .values_list("user_id", "permission_id", "content_type_id", "object_pk")
    )
