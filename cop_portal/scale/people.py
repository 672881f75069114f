"""Organisations, people, communities, groups, memberships and guardian's permission rows."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType

from communities import permissions
from communities.models import Community, Group, Membership, MembershipEvent, natural_key
from members.models import Organization, User

from . import PREFIX, words

DEMO_MEMBER = "member.rebuild@cop.demo"
DEMO_COORDINATOR = "coordinator.rebuild@cop.demo"


def seed_people(s) -> None:
    rng, write = s.rng, s.writer
    kinds = [value for value, _label in Organization.Kind.choices]
    org_ids = write.reserve_ids(Organization, s.size["organisations"])
    write.insert(
        Organization,
        (
            {
                "id": pk,
                "name": f"{rng.choice(words.ORG_WORDS)} of {rng.choice(words.PLACES)} {index}",
                "kind": rng.choice(kinds),
                "country": rng.choice(words.COUNTRIES),
                "city": rng.choice(words.PLACES),
            }
            for index, pk in enumerate(org_ids)
        ),
    )
    s.organisations = org_ids
    user_ids = write.reserve_ids(User, s.size["people"])
    password = f"{UNUSABLE_PASSWORD_PREFIX}scale"  # nobody signs in with a password: benchmarks use sessions
    emails = {}

    def users():
        for index, pk in enumerate(user_ids):
            email = f"{PREFIX}{index:06d}@example.invalid"
            emails[pk] = email
            yield {
                "id": pk,
                "password": password,
                "email": email,
                "full_name": f"{rng.choice(words.FIRST_NAMES)} {rng.choice(words.LAST_NAMES)}",
                "organization_id": rng.choice(org_ids) if rng.random() < 0.8 else None,
                "country": rng.choice(words.COUNTRIES),
                "time_zone": rng.choice(words.TIME_ZONES),
                "language": rng.choice(words.LANGUAGES),
                "spoken_languages": [],
                "date_joined": s.when(1500),
            }

    write.insert(User, users())
    write.insert(
        EmailAddress,
        ({"user_id": pk, "email": emails[pk], "verified": True, "primary": True} for pk in user_ids),
    )
    s.people = user_ids
    for key, email in (("member", DEMO_MEMBER), ("coordinator", DEMO_COORDINATOR)):
        user = User.objects.filter(email=email).first()
        if user is not None:
            s.heavy[key] = user


def seed_communities(s) -> None:
    rng = s.rng
    existing = list(Community.objects.order_by("pk"))
    # REBUILD first: the largest share of everything, so its coordinator's pages are the heavy case.
    existing.sort(key=lambda community: community.slug != "rebuild")
    count = max(2, s.size["communities"] - len(existing))
    visibilities = [Community.Visibility.PUBLIC, Community.Visibility.MEMBERS]
    new = Community.objects.bulk_create(
        Community(
            slug=f"{PREFIX}{index:03d}",
            name=f"{rng.choice(words.ADJECTIVES)} {rng.choice(words.THEMES).title()} Network {index}",
            tagline=rng.choice(words.SENTENCES),
            description=" ".join(rng.sample(words.SENTENCES, 3)),
            # The first two are one public and one members-only community; then 70% public, 25% members, 5% hidden.
            visibility=(
                visibilities[index]
                if index < 2
                else rng.choices([*visibilities, Community.Visibility.HIDDEN], weights=[70, 25, 5])[0]
            ),
            default_language=rng.choice(words.LANGUAGES),
            languages=["en"],
            countries=[rng.choice(words.COUNTRIES)],
        )
        for index in range(count)
    )
    s.communities = existing + new
    s.new_communities = new
    s.weights = [1 / (rank + 1) ** 0.9 for rank in range(len(s.communities))]
    for community in s.communities:
        s.vocabulary[community.pk] = rng.sample(words.THEMES, 12)
    s.groups = {community.pk: list(community.groups.all()) for community in existing}
    for community in new:
        s.groups[community.pk] = []
    kinds = [value for value, _label in Group.Kind.choices]
    wanted = max(s.size["groups"], 2 * len(new))
    places = list(new) + [s.pick_community() for _ in range(wanted - len(new))]
    groups = []
    for index, community in enumerate(places):
        name = f"{rng.choice(words.ADJECTIVES)} {rng.choice(s.vocabulary[community.pk])} group {index}"
        groups.append(
            Group(
                community=community,
                slug=f"{PREFIX}group-{index}",
                name=name,
                sort_name=natural_key(name),
                kind=rng.choice(kinds),
                description=rng.choice(words.SENTENCES),
                visibility=rng.choices([v for v, _l in Group.Visibility.choices], weights=[70, 20, 10])[0],
                position=100 + index,
            )
        )
    for group in Group.objects.bulk_create(groups):
        s.groups[group.community_id].append(group)
    s.new_groups = groups


def seed_memberships(s) -> None:
    rng = s.rng
    active, pending = Membership.Status.ACTIVE, Membership.Status.PENDING
    rows = {}  # (user, community, group) -> [role, status]
    for user_id, community_id, group_id in Membership.objects.active().values_list(
        "user_id", "community_id", "group_id"
    ):
        target = s.group_members if group_id else s.members
        target.setdefault(group_id or community_id, []).append(user_id)
    for user_id in s.people:
        count = 1 + (rng.random() < 0.4) + (rng.random() < 0.15)
        chosen = {s.pick_community().pk for _ in range(count)}
        for community_id in chosen:
            status = active if rng.random() < 0.95 else pending
            rows[(user_id, community_id, None)] = [Membership.Role.MEMBER, status]
            groups = s.groups[community_id]
            if status == active and groups and rng.random() < 0.3:
                rows[(user_id, community_id, rng.choice(groups).pk)] = [Membership.Role.MEMBER, active]
    # One coordinator for each new community, one facilitator for each new group (members first).
    in_community = {}
    for (user_id, community_id, group_id), (_role, status) in rows.items():
        if group_id is None and status == active:
            in_community.setdefault(community_id, []).append(user_id)
    for community in s.new_communities:
        people = in_community.get(community.pk) or [rng.choice(s.people)]
        rows[(people[0], community.pk, None)] = [Membership.Role.COORDINATOR, active]
    for group in s.new_groups:
        people = in_community.get(group.community_id) or [rng.choice(s.people)]
        facilitator = rng.choice(people)
        rows.setdefault((facilitator, group.community_id, None), [Membership.Role.MEMBER, active])
        rows[(facilitator, group.community_id, group.pk)] = [Membership.Role.FACILITATOR, active]
    _heavy_memberships(s, rows)
    ids = s.writer.reserve_ids(Membership, len(rows))
    events = []
    memberships = []
    for pk, ((user_id, community_id, group_id), (role, status)) in zip(ids, rows.items(), strict=True):
        joined = s.when(1400)
        memberships.append(
            {
                "id": pk,
                "user_id": user_id,
                "community_id": community_id,
                "group_id": group_id,
                "role": role,
                "status": status,
                "decided_at": joined if status == active else None,
                "created_at": joined,
            }
        )
        action = MembershipEvent.Action.JOINED if status == active else MembershipEvent.Action.REQUESTED
        events.append({"membership_id": pk, "action": action, "to_role": role, "created_at": joined})
        if status == active:
            target = s.group_members if group_id else s.members
            target.setdefault(group_id or community_id, []).append(user_id)
    s.writer.insert(Membership, memberships)
    s.writer.insert(MembershipEvent, events)
    _permissions(s)


def _heavy_memberships(s, rows) -> None:
    """Put the demo member in many communities and groups, and REBUILD's coordinator in many groups."""
    active = Membership.Status.ACTIVE
    member, coordinator = s.heavy.get("member"), s.heavy.get("coordinator")
    if member is not None:
        places = [c for c in s.new_communities if c.visibility != Community.Visibility.HIDDEN]
        for community in places:
            rows.setdefault((member.pk, community.pk, None), [Membership.Role.MEMBER, active])
        places += [c for c in s.communities if c.slug == "rebuild"]
        joined = [group for community in places for group in s.groups[community.pk]]
        for group in s.rng.sample(joined, min(len(joined), 60)):
            rows.setdefault((member.pk, group.community_id, group.pk), [Membership.Role.MEMBER, active])
    if coordinator is not None:
        rebuild = s.communities[0]
        for group in s.groups[rebuild.pk][:40]:
            rows.setdefault((coordinator.pk, rebuild.pk, group.pk), [Membership.Role.MEMBER, active])
    # The demo's own memberships exist already: never insert them twice.
    existing = set(
        Membership.objects.filter(user__in=[u for u in (member, coordinator) if u]).values_list(
            "user_id", "community_id", "group_id"
        )
    )
    for key in existing & rows.keys():
        del rows[key]


def _permissions(s) -> None:
    """Write guardian's rows as permissions_sync leaves them: coordinators manage the community and its groups."""
    community_perm = Permission.objects.get(content_type__app_label="communities", codename="manage_community")
    group_perm = Permission.objects.get(content_type__app_label="communities", codename="manage_group")
    community_type = ContentType.objects.get_for_model(Community)
    group_type = ContentType.objects.get_for_model(Group)
    wanted = set()
    managers = Membership.objects.active().exclude(role=Membership.Role.MEMBER)
    for user_id, community_id, group_id, role in managers.values_list("user_id", "community_id", "group_id", "role"):
        if group_id is None and role == Membership.Role.COORDINATOR:
            wanted.add((user_id, community_perm.pk, community_type.pk, str(community_id)))
            for group in s.groups.get(community_id, []):
                wanted.add((user_id, group_perm.pk, group_type.pk, str(group.pk)))
        elif group_id is not None:
            wanted.add((user_id, group_perm.pk, group_type.pk, str(group_id)))
    have = permissions.existing_user_grants([community_perm.pk, group_perm.pk])
    s.writer.insert(
        permissions.user_grant_model(),
        (
            {"user_id": u, "permission_id": p, "content_type_id": t, "object_pk": o}
            for u, p, t, o in sorted(wanted - have)
        ),
    )
