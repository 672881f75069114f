"""Management, group visibility and spaces: who manages, sees and writes where."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from members.id_lists import IdList

from ._base import COMMUNITY_PERM, GROUP_PERM, _known_membership, _remembered, _signed_in, is_portal_admin
from .grants import granted_ids
from .membership import active_community_ids, active_group_ids, is_active_member
from .person import known_person, loaded_person

# --- Management ------------------------------------------------------------------------------------


def managed_community_ids(user) -> QuerySet | list[int]:
    """Return a subquery of the ids of the communities user coordinates (all of them for an administrator).

    Within a read-only request whose person is read (person.loaded_person), the same ids as a list.
    """
    from ..models import Community

    if is_portal_admin(user):
        return Community.objects.values("pk")
    if (person := loaded_person(user)) is not None:
        return IdList(sorted(person.coordinated))
    return granted_ids(user, COMMUNITY_PERM, Community)


def managed_group_ids(user) -> QuerySet:
    """Return a subquery of the ids of the groups user manages: as coordinator of their community, or facilitator."""
    from ..models import Group

    if is_portal_admin(user):
        return Group.objects.values("pk")
    if not _signed_in(user):
        return Group.objects.none().values("pk")
    if (person := loaded_person(user)) is not None:
        granted = IdList(sorted(person.granted_groups))
    else:
        granted = granted_ids(user, GROUP_PERM, Group)
    return Group.objects.filter(Q(community__in=managed_community_ids(user)) | Q(pk__in=granted)).values("pk")


def facilitated_group_ids(user) -> QuerySet | list[int]:
    """Return a subquery of the ids of the groups user manages outside the communities they coordinate.

    managed_group_ids less the groups of managed_community_ids: what the facilitator's grant adds to the
    coordinator's. A rule split by kind of access asks the two apart (MeetingQuerySet.manageable_parts).
    Within a read-only request whose person is read (person.loaded_person), the same ids as a list.
    """
    from ..models import Group

    if is_portal_admin(user) or not _signed_in(user):
        return Group.objects.none().values("pk")  # an administrator manages every group through its community
    if (person := loaded_person(user)) is not None:
        return IdList(sorted(person.facilitated))
    granted = granted_ids(user, GROUP_PERM, Group)
    return Group.objects.filter(pk__in=granted).exclude(community__in=managed_community_ids(user)).values("pk")


@_remembered
def can_manage(user, target) -> bool:
    """Return whether user manages target, a Community or a Group."""
    from ..models import Community

    if is_portal_admin(user):
        return True
    if not _signed_in(user) or target is None:
        return False
    if (person := known_person(user)) is not None:
        if isinstance(target, Community):
            return person.manages_community(target.pk)
        answer = person.manages_group(target.community_id, target.pk)
        if answer is not None:
            return answer
    if isinstance(target, Community):
        return type(target).objects.filter(pk=target.pk, pk__in=managed_community_ids(user)).exists()
    return type(target).objects.filter(pk=target.pk, pk__in=managed_group_ids(user)).exists()


@_remembered
def manages_any_group(user, community) -> bool:
    """Return whether user manages community or at least one of its groups."""
    from ..models import Group

    if is_portal_admin(user):
        return True
    if (person := known_person(user)) is not None:
        return person.manages_any_group(community.pk)
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


@_remembered  # built once per read-only request: search alone asks it seven times
def visible_group_ids(user) -> QuerySet | IdList:
    """Return the ids of the groups user may see (Group.visibility): a subquery, or a list within a request.

    A public group shows to whoever may see its community's content; a members group to the
    community's active members; a private group only to its own active members, the
    community's coordinators and portal administrators.
    """
    from ..models import Community, Group

    if is_portal_admin(user):
        return Group.objects.values("pk")
    public = Q(
        visibility=Group.Visibility.PUBLIC,
        community__in=Community.objects.content_visible_to(user).values("pk"),
    )
    if not _signed_in(user):
        return Group.objects.filter(public).values("pk")
    if (person := loaded_person(user)) is not None and person.visible_groups is not None:
        # Read with the person's memberships (person.load_person): one list of ids, no subquery to
        # build, compile or plan in every scoped query of the request (issue 15).
        return IdList(sorted(person.visible_groups))
    if person is not None:
        # The same rule with the person's ids as lists (person.loaded_person): the page's query then
        # plans and runs one small Group subquery instead of five nested ones (issue 15).
        active = IdList(sorted(person.active))
        return Group.objects.filter(
            Q(visibility=Group.Visibility.PUBLIC)
            & (Q(community__visibility=Community.Visibility.PUBLIC) | Q(community__in=active))
            | Q(visibility=Group.Visibility.MEMBERS, community__in=active)
            | Q(pk__in=person.active_group_ids())
            | Q(community__in=IdList(sorted(person.coordinated)))
        ).values("pk")
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
    if (person := loaded_person(user)) is not None and person.visible_groups is not None:
        return group.pk in person.visible_groups
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
    from ..models import Membership

    read, membership = _known_membership(user, community.pk, group.pk)
    if (person := known_person(user)) is not None:
        in_group = person.active_in_group(community.pk, group.pk)
    elif read:
        in_group = membership is not None and membership.status == Membership.Status.ACTIVE
    else:
        in_group = Membership.objects.active().filter(user=user, community=community, group=group).exists()
    return in_group or can_manage(user, group)


def postable_group_ids(user) -> QuerySet:
    """Return a subquery of the groups user may write in (see can_post_in)."""
    from ..models import Group

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
    {"name", "kind", "description", "language", "join_policy", "visibility", "eligible_organization_kinds", "themes"}
)
FACILITATOR_GROUP_FIELDS = frozenset({"description", "language", "themes"})


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
    from ..models import Membership

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
    from ..models import Membership

    return set(
        Membership.objects.active()
        .community_level()
        .filter(community=community, user_id__in=list(user_ids), user__is_active=True)
        .values_list("user_id", flat=True)
    )
