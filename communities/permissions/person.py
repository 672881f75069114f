"""The person's memberships and roles, read once per read-only request and reused by every answer.

A page asks about the signed-in person many times: the header lists their communities, the view
asks whether they are a member here or manage this community or that group, the apps' hooks ask
again. Within `request_answers()` (CommunityMiddleware opens it for GET and HEAD), the first
question reads every membership of the person in ONE query (a few dozen rows for the busiest
people, bounded by their own history, not by the data), with whether they hold the coordinator's
grant on each community and a facilitator's grant on each group, and every later question is
answered from it. Outside a request, or on a request that writes, nothing is kept: the callers
ask the database as before, so a change is seen at once.

The answers are the same as the queries they replace (granted_ids): a guardian grant counts only
while the person is an active member of the object's community. Every grant of the person is
read (a few rows), so a facilitator's grant on a group they are not a member of counts too.

Within such a request the id subqueries of this package (active_community_ids, managed_group_ids,
visible_group_ids...) become lists of ids taken from the snapshot once it has been read
(`loaded_person`): the pages' scoped querysets then carry a few literal ids instead of nested
subqueries over memberships and guardian's tables, which cost tens of milliseconds of CPU to
build and to plan on every signed-in page (issue 15).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import CharField, Exists, Q

from ._base import COMMUNITY_PERM, GROUP_PERM, _answers, _signed_in


@dataclass
class Person:
    """Every membership of one person (all statuses, community and group joined) and their management grants."""

    memberships: list = field(default_factory=list)
    active: dict = field(default_factory=dict)  # community id -> active community-level Membership
    coordinated: set = field(default_factory=set)  # communities managed (grant + active membership)
    group_grants_in: set = field(default_factory=set)  # communities where some group grant is held
    granted_groups: set = field(default_factory=set)  # groups with a grant, in a community they are active in
    facilitated: set = field(default_factory=set)  # of granted_groups, those outside the communities coordinated
    # The person's grants on single objects of the other apps (a co-organised meeting, a co-authored item):
    # {(object content type id, permission app label, codename): object ids}, or None when they hold more
    # than OBJECT_GRANTS_READ of them: the callers then ask guardian's tables (grants.granted_ids).
    object_grants: dict | None = field(default_factory=dict)
    # The groups the person may see (Group.visibility; visible_group_ids), or None when not read (a person
    # without any membership row): the callers then ask the database.
    visible_groups: frozenset | None = None
    # Whether a valid invitation is addressed to one of the person's verified addresses; None when
    # unknown (a person without any membership row): the callers then ask the database.
    has_invitations: bool | None = None
    # What higher apps asked to compute on the membership of the page's community (hooks).
    extras: dict = field(default_factory=dict)

    def computed(self, name: str, community_id: int):
        """Return the value a higher app computed for community (communities.hooks), or None when not computed."""
        return self.extras.get((name, community_id))

    def community(self, slug: str):
        """Return the community of slug when the person is an active member of it (its row, just read), else None."""
        for membership in self.active.values():
            if membership.community.slug == slug:
                return membership.community
        return None

    def in_community(self, community_id: int) -> list:
        return [m for m in self.memberships if m.community_id == community_id]

    def is_active_member(self, community_id: int) -> bool:
        return community_id in self.active

    def active_in_group(self, community_id: int, group_id: int) -> bool:
        from ..models import Membership

        return community_id in self.active and any(
            m.group_id == group_id and m.status == Membership.Status.ACTIVE for m in self.memberships
        )

    def manages_community(self, community_id: int) -> bool:
        return community_id in self.coordinated

    def manages_group(self, community_id: int, group_id: int) -> bool:
        """Return whether the person manages the group: they coordinate its community or hold its grant."""
        return community_id in self.coordinated or group_id in self.granted_groups

    def active_group_ids(self) -> list[int]:
        """Return the groups the person is an active member of, in a community they are active in."""
        from members.id_lists import IdList

        from ..models import Membership

        return IdList(
            sorted(
                {
                    m.group_id
                    for m in self.memberships
                    if m.group_id is not None and m.status == Membership.Status.ACTIVE and m.community_id in self.active
                }
            )
        )

    def manages_any_group(self, community_id: int) -> bool:
        return community_id in self.coordinated or community_id in self.group_grants_in


# The person's management grants (guardian object permissions, direct and through auth groups) as one
# uncorrelated subquery, which PostgreSQL runs once for the whole membership query (an InitPlan): an array
# of "c:<community>" for the coordinator's grant on a community and "g:<group>:<community>" for the
# facilitator's grant on a group. Written as SQL (the tables are guardian's and Django's own): the ORM
# built six EXISTS with four joins each, about 10 ms of CPU to compile and as much again to plan on
# every signed-in page (issue 15).
_GRANTS_SELECT = """
    SELECT CASE WHEN grant_row.model = 'community' THEN 'c:' || grant_row.object_pk
                ELSE 'g:' || grant_row.object_pk || ':' || grant_group.community_id END
    FROM (
        SELECT ct.model, uop.object_pk
        FROM guardian_userobjectpermission uop
        JOIN auth_permission perm ON perm.id = uop.permission_id AND perm.content_type_id = uop.content_type_id
        JOIN django_content_type ct ON ct.id = uop.content_type_id
        WHERE uop.user_id = %s AND ct.app_label = 'communities'
          AND ((ct.model = 'community' AND perm.codename = %s) OR (ct.model = 'group' AND perm.codename = %s))
        UNION
        SELECT ct.model, gop.object_pk
        FROM guardian_groupobjectpermission gop
        JOIN members_user_groups user_group ON user_group.group_id = gop.group_id
        JOIN auth_permission perm ON perm.id = gop.permission_id AND perm.content_type_id = gop.content_type_id
        JOIN django_content_type ct ON ct.id = gop.content_type_id
        WHERE user_group.user_id = %s AND ct.app_label = 'communities'
          AND ((ct.model = 'community' AND perm.codename = %s) OR (ct.model = 'group' AND perm.codename = %s))
    ) AS grant_row
    LEFT JOIN communities_group grant_group
        ON grant_row.model = 'group' AND CAST(grant_group.id AS TEXT) = grant_row.object_pk
    WHERE grant_row.model = 'community' OR grant_group.id IS NOT NULL
"""
_GRANTS_SQL = f"ARRAY({_GRANTS_SELECT})"


def _grants_array(user):
    """Return the expression of user's management grants (see _GRANTS_SQL)."""
    from django.contrib.postgres.fields import ArrayField
    from django.db.models.expressions import RawSQL

    return RawSQL(_GRANTS_SQL, _grants_params(user), output_field=ArrayField(CharField()))  # noqa: S611 - constant SQL, bound values


def _grants_params(user) -> tuple:
    community_codename = COMMUNITY_PERM.rpartition(".")[2]
    group_codename = GROUP_PERM.rpartition(".")[2]
    return (user.pk, community_codename, group_codename) * 2


def _grants_listed(user) -> list[str]:
    """Return user's management grants as _GRANTS_SQL's values, in a query of their own (SQLite has no ARRAY)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(_GRANTS_SELECT, _grants_params(user))
        return [value for (value,) in cursor.fetchall()]


# The person's grants on objects outside this app, read with the memberships: most people hold none and a
# busy one a few dozen, so each scoped meeting query names them as a list of ids instead of joining
# guardian's two tables and Django's permissions to find them (granted_ids; issue 15).
OBJECT_GRANTS_READ = 1000  # one more is read, to tell "too many"
_OBJECT_GRANTS_SELECT = """
    SELECT grant_row.content_type_id || ':' || grant_row.app_label || ':' || grant_row.codename
           || ':' || grant_row.object_pk
    FROM (
        SELECT uop.content_type_id, perm_type.app_label, perm.codename, uop.object_pk
        FROM guardian_userobjectpermission uop
        JOIN auth_permission perm ON perm.id = uop.permission_id
        JOIN django_content_type perm_type ON perm_type.id = perm.content_type_id
        JOIN django_content_type object_type ON object_type.id = uop.content_type_id
        WHERE uop.user_id = %s AND object_type.app_label <> 'communities'
        UNION
        SELECT gop.content_type_id, perm_type.app_label, perm.codename, gop.object_pk
        FROM guardian_groupobjectpermission gop
        JOIN members_user_groups user_group ON user_group.group_id = gop.group_id
        JOIN auth_permission perm ON perm.id = gop.permission_id
        JOIN django_content_type perm_type ON perm_type.id = perm.content_type_id
        JOIN django_content_type object_type ON object_type.id = gop.content_type_id
        WHERE user_group.user_id = %s AND object_type.app_label <> 'communities'
        LIMIT %s
    ) AS grant_row
"""


def _object_grants_array(user):
    """Return the expression of user's grants on other apps' objects (see _OBJECT_GRANTS_SELECT)."""
    from django.contrib.postgres.fields import ArrayField
    from django.db.models.expressions import RawSQL

    sql = f"ARRAY({_OBJECT_GRANTS_SELECT})"
    return RawSQL(sql, _object_grants_params(user), output_field=ArrayField(CharField()))  # noqa: S611 - constant SQL, bound values


def _object_grants_params(user) -> tuple:
    return (user.pk, user.pk, OBJECT_GRANTS_READ + 1)


def _object_grants_listed(user) -> list[str]:
    """Return _OBJECT_GRANTS_SELECT's values in a query of their own (SQLite has no ARRAY)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(_OBJECT_GRANTS_SELECT, _object_grants_params(user))
        return [value for (value,) in cursor.fetchall()]


def _read_object_grants(values) -> dict | None:
    """Return {(content type id, app label, codename): {object id}}, or None when there were too many to read."""
    values = list(values or ())
    if len(values) > OBJECT_GRANTS_READ:
        return None
    grants: dict = {}
    for value in values:
        content_type, app_label, codename, object_pk = value.split(":", 3)
        if not object_pk.isdigit():
            return None  # not an id this reading knows: ask the database
        grants.setdefault((int(content_type), app_label, codename), set()).add(int(object_pk))
    return grants


# The groups that may be visible to the person, read with the memberships: those of the communities they
# are an active member of, and the public groups of public communities. Which of them the person sees is
# decided in Python (_read_visible_groups), so that every scoped query of the request names them as one
# list of ids instead of a subquery joining groups and communities with the person's ids (issue 15).
# A group or community saved or deleted starts the person cache's shared generation again (person_cache).
_VISIBLE_GROUPS_SELECT = """
    SELECT candidate.id || ':' || candidate.community_id || ':' || candidate.visibility
    FROM communities_group candidate
    JOIN communities_community candidate_community ON candidate_community.id = candidate.community_id
    WHERE (candidate.visibility = %s AND candidate_community.visibility = %s)
       OR candidate.community_id IN (
           SELECT own.community_id FROM communities_membership own
           WHERE own.user_id = %s AND own.group_id IS NULL AND own.status = %s
       )
"""


def _visible_groups_params(user) -> tuple:
    from ..models import Community, Group, Membership

    return (Group.Visibility.PUBLIC.value, Community.Visibility.PUBLIC.value, user.pk, Membership.Status.ACTIVE.value)


def _visible_groups_array(user):
    """Return the expression of the groups that may be visible to user (see _VISIBLE_GROUPS_SELECT)."""
    from django.contrib.postgres.fields import ArrayField
    from django.db.models.expressions import RawSQL

    sql = f"ARRAY({_VISIBLE_GROUPS_SELECT})"
    return RawSQL(sql, _visible_groups_params(user), output_field=ArrayField(CharField()))  # noqa: S611 - constant SQL, bound values


def _visible_groups_listed(user) -> list[str]:
    """Return _VISIBLE_GROUPS_SELECT's values in a query of their own (SQLite has no ARRAY)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(_VISIBLE_GROUPS_SELECT, _visible_groups_params(user))
        return [value for (value,) in cursor.fetchall()]


def _read_visible_groups(values, person: Person) -> frozenset:
    """Return the ids of the groups person may see among the candidates (the rule of visible_group_ids).

    In a community the person is an active member of: its public and members groups, its private groups
    they are an active member of, and every group of a community they coordinate. Elsewhere only public
    groups of public communities are candidates, and they show to everyone.
    """
    from ..models import Group

    own = set(person.active_group_ids())
    open_to_members = {Group.Visibility.PUBLIC.value, Group.Visibility.MEMBERS.value}
    seen = set()
    for value in values or ():
        group_id, community_id, visibility = value.split(":", 2)
        group_id, community_id = int(group_id), int(community_id)
        if community_id not in person.active:
            if visibility == Group.Visibility.PUBLIC:
                seen.add(group_id)
        elif visibility in open_to_members or group_id in own or community_id in person.coordinated:
            seen.add(group_id)
    return frozenset(seen)


def _read_grants(values) -> tuple[set, dict]:
    """Return (communities with the coordinator's grant, {group: community} with the facilitator's grant)."""
    communities, groups = set(), {}
    for value in values or ():
        kind, _, rest = value.partition(":")
        if kind == "c":
            if rest.isdigit():
                communities.add(int(rest))
        else:
            group_id, _, community_id = rest.partition(":")
            groups[int(group_id)] = int(community_id)
    return communities, groups


def load_person(user, community_slug: str | None = None) -> Person:
    """Read user's memberships and management grants in one query.

    community_slug names the community the page is about: the higher apps' annotations
    (communities.hooks) are computed on the person's active membership of it, and no other.
    """
    from django.db.models import Case, When

    from .. import hooks
    from ..models import Invitation, Membership

    invited = Invitation.objects.valid().addressed_to(user)
    extras = {}
    remembered, tokens = {}, {}  # values a higher app's cache still holds; what to store the others with
    caches = hooks.membership_annotation_caches()
    if community_slug:
        here = Q(group__isnull=True, status=Membership.Status.ACTIVE, community__slug=community_slug)
        for name, factory in hooks.membership_annotations().items():
            if name in caches:
                value, token = caches[name].lookup(user, community_slug)
                if token is None:
                    remembered[name] = value  # (community id, value): neither built, nor planned, nor run
                    continue
                tokens[name] = token
            extras[f"extra_{name}"] = Case(When(here, then=factory(user)), default=None)
    from django.db import connection

    # The grants ride on every row (PostgreSQL evaluates the array once); SQLite, the embedded default,
    # has no ARRAY and reads them in a query of their own.
    on_postgres = connection.vendor == "postgresql"
    arrays = (
        {
            "grants": _grants_array(user),
            "object_grants": _object_grants_array(user),
            "visible_groups": _visible_groups_array(user),
        }
        if on_postgres
        else {}
    )
    rows = list(
        Membership.objects.filter(user=user)
        .select_related("community", "group")
        .annotate(
            **arrays,
            invited=Exists(invited),  # the same for every row
            **extras,
        )
        .order_by("community__name", "community_id", "group__position", "group__sort_name", "group_id", "pk")
    )
    person = Person(memberships=rows, has_invitations=rows[0].invited if rows else None)
    # One Community object per community, shared by its rows (the join gave each row its own copy):
    # a remembered person is then half the size to unpickle on every request (issue 15).
    shared: dict[int, object] = {}
    community_field = Membership._meta.get_field("community")
    for membership in rows:
        community = shared.setdefault(membership.community_id, membership.community)
        if community is not membership.community:
            community_field.set_cached_value(membership, community)
        if membership.group_id is not None:
            membership.group.community = community  # the same row, not read again
        if membership.group_id is None and membership.status == Membership.Status.ACTIVE:
            person.active[membership.community_id] = membership
            if membership.community.slug == community_slug:
                for name in extras:
                    person.extras[(name.removeprefix("extra_"), membership.community_id)] = getattr(membership, name)
                for name, (community_id, value) in remembered.items():
                    if community_id == membership.community_id:  # not another community that had the slug
                        person.extras[(name, community_id)] = value
                for name, token in tokens.items():
                    value = getattr(membership, f"extra_{name}")
                    caches[name].store(user, community_slug, (membership.community_id, value), token)
    # A grant counts only while the person is an active member of the object's community.
    if on_postgres:
        communities, groups = _read_grants(rows[0].grants if rows else ())
        person.object_grants = _read_object_grants(rows[0].object_grants if rows else ())
    else:
        communities, groups = _read_grants(_grants_listed(user))
        person.object_grants = _read_object_grants(_object_grants_listed(user))
    person.coordinated = communities & person.active.keys()
    person.granted_groups = {group for group, community in groups.items() if community in person.active}
    person.group_grants_in = {groups[group] for group in person.granted_groups}
    person.facilitated = {group for group in person.granted_groups if groups[group] not in person.coordinated}
    if rows:  # with no membership row, nothing rode on the query: the callers ask the database
        candidates = rows[0].visible_groups if on_postgres else _visible_groups_listed(user)
        person.visible_groups = _read_visible_groups(candidates, person)
    for membership in rows:
        # The arrays rode on every row; read once above, they would only weigh on the remembered person
        # (a member of 45 communities: 106 rows of 450 candidate groups each, 10 ms to unpickle).
        for name in arrays:
            membership.__dict__.pop(name, None)
    return person


def loaded_person(user) -> Person | None:
    """Return user's Person when this read-only request has already read it, else None (never a query)."""
    answers = _answers.get()
    if answers is None or not _signed_in(user):
        return None
    return answers.get(("person", user.pk))


def known_person(user, community_slug: str | None = None) -> Person | None:
    """Return user's Person for this read-only request (read on first use), or None outside one.

    CommunityMiddleware asks first on a community's pages, naming the community (community_slug).
    """
    answers = _answers.get()
    if answers is None or not _signed_in(user):
        return None
    key = ("person", user.pk)
    if key not in answers:
        answers[key] = _remembered_or_loaded(user, community_slug)
    return answers[key]


def _remembered_or_loaded(user, community_slug: str | None) -> Person:
    """Return user's Person as remembered between requests (person_cache), else read (and remember it)."""
    from . import person_cache

    person, token = person_cache.lookup(user)
    if person is None:
        person = load_person(user, community_slug)
        person_cache.store(user, person, token)
        return person
    if community_slug and (community := person.community(community_slug)) is not None:
        person.extras = _extras_of(user, community_slug, community.pk)
    return person


def _extras_of(user, community_slug: str, community_id: int) -> dict:
    """Return the higher apps' values (communities.hooks) on user's active membership of community_id.

    What their caches still hold costs nothing; the rest is computed in one query, as load_person
    computes it with the memberships.
    """
    from .. import hooks
    from ..models import Membership

    extras, tokens, wanted = {}, {}, {}
    caches = hooks.membership_annotation_caches()
    for name, factory in hooks.membership_annotations().items():
        if name in caches:
            value, token = caches[name].lookup(user, community_slug)
            if token is None:
                if value[0] == community_id:  # not another community that had the slug
                    extras[(name, community_id)] = value[1]
                continue
            tokens[name] = token
        wanted[f"extra_{name}"] = factory(user)
    if wanted:
        here = Membership.objects.filter(
            user=user, group__isnull=True, status=Membership.Status.ACTIVE, community_id=community_id
        )
        row = here.annotate(**wanted).values(*wanted).first()
        for field, value in (row or {}).items():
            name = field.removeprefix("extra_")
            extras[(name, community_id)] = value
            if name in tokens:
                caches[name].store(user, community_slug, (community_id, value), tokens[name])
    return extras


def memberships(user) -> list:
    """Return every membership of user (all statuses), community and group joined, once per read-only request."""
    if not _signed_in(user):
        return []
    person = known_person(user)
    return (person or load_person(user)).memberships


def active_role(user, community) -> str | None:
    """Return user's role as an active member of community, or None (portal administrators get no role here)."""
    if not _signed_in(user):
        return None
    if (person := known_person(user)) is not None:
        membership = person.active.get(community.pk)
        return membership.role if membership is not None else None
    from ..models import Membership

    return (
        Membership.objects.active()
        .community_level()
        .filter(user=user, community=community)
        .values_list("role", flat=True)
        .first()
    )
