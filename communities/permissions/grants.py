"""Per-object grants (guardian object permissions), keeping guardian in step, and bulk writers of grants."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import BigIntegerField, Q, QuerySet
from django.db.models.functions import Cast

from members.id_lists import IdList

from ._base import _remembered, _signed_in, is_portal_admin
from .membership import active_community_ids

# --- Per-object grants -----------------------------------------------------------------------------


def _split(perm: str) -> tuple[str, str]:
    app_label, _, codename = perm.rpartition(".")
    return app_label, codename


# Built once per read-only request: a meeting or knowledge query asks it in its visibility rule, and
# /me/ builds five of those (a union of guardian's two tables, about 0.7 ms of Python each; issue 15).
# The answer is a subquery, evaluated by the database each time it is used, so it is never stale.
@_remembered
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

    from ..models import Community

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
    if object_pk is None and model is not Community:
        from .person import loaded_person

        person = loaded_person(user)
        if person is not None and person.object_grants is not None:
            # Read with the person's memberships (person.load_person): the same ids, without guardian's tables.
            ids = person.object_grants.get((content_type.pk, app_label or content_type.app_label, codename), ())
            return objects.filter(pk__in=IdList(sorted(ids)), **{f"{field}__in": active_community_ids(user)}).values(
                "pk"
            )
    # One list of granted ids (a few rows), joined to model by its primary key: an OR of the two
    # subqueries made PostgreSQL read every row of model (200,000 meetings) to test each.
    return (
        objects.filter(pk__in=direct.union(via_groups))
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

    from ..models import Community, Membership

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


def revoke_everything_of(user) -> int:
    """Take every access user holds away (their erasure); return how many per-object grants were removed.

    Per-object grants, Django groups and model permissions are deleted at once; the account flags
    (active, staff, superuser) are cleared on the instance, which the caller saves with the rest.
    """
    from guardian.models import UserObjectPermission

    deleted, _details = UserObjectPermission.objects.filter(user=user).delete()
    user.groups.clear()
    user.user_permissions.clear()
    user.is_active = user.is_staff = user.is_superuser = False
    return deleted


def may_erase_person(user, person) -> bool:
    """Return whether user may erase person's account: themselves, or staff allowed to; never a coordinator as such."""
    if not _signed_in(user) or person is None:
        return False
    if user.pk == person.pk:
        return True
    return bool(user.is_staff and (is_portal_admin(user) or user.has_perm("cop_portal.add_erasurerecord")))
