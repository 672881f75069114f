"""Reads about communities that views and other apps use."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce
from django.utils.translation import gettext as _

from members.models import Organization
from members.typography import join_comma

from . import hooks, permissions
from .models import Community, Group, Invitation, JoinPolicy, Membership, Partnership
from .selectors_lists import first_by_id_and_total

ROLE_RANK = {Membership.Role.MEMBER: 0, Membership.Role.FACILITATOR: 1, Membership.Role.COORDINATOR: 2}
GROUP_ROLES = (Membership.Role.MEMBER, Membership.Role.FACILITATOR)
# Coordinators first, then facilitators, then members (the role names do not sort that way).
ROLE_ORDER = Case(
    When(role=Membership.Role.COORDINATOR, then=Value(0)),
    When(role=Membership.Role.FACILITATOR, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def community_role(*, user, community: Community) -> str | None:
    """Return user's active role in community, or None when they are not a member."""
    return permissions.active_role(user, community)


def user_can_see_content(*, user, community: Community) -> bool:
    """Return whether user may see community's content (see permissions.can_see_content)."""
    return permissions.can_see_content(user, community)


def user_can_manage(*, user, community: Community) -> bool:
    """Return whether user manages community (see communities.permissions)."""
    return permissions.can_manage(user, community)


def managed_groups(*, user, community: Community) -> QuerySet[Group]:
    """Return the groups of community that user manages: all of them for a coordinator, theirs for a facilitator."""
    return Group.objects.managed_by(user).filter(community=community).order_by("position", "sort_name", "pk")


# --- Eligibility and the visitor's own state ------------------------------------------------------


def reserved_to(place: Community | Group) -> str:
    """Return the kinds of organisation a reserved place is open to, as a translated list ("" when open to all)."""
    kinds = place.eligible_organization_kinds or []
    return join_comma(str(Organization.Kind(kind).label) for kind in kinds if kind in Organization.Kind.values)


def awaits_verification(*, user, place: Community | Group) -> bool:
    """Return whether user's organisation is of a kind place is reserved to but still awaits verification.

    Such a person may not join an open place at once; they ask to join instead, so the
    place's coordinators see them, verify the organisation and approve the request.
    """
    kinds = place.eligible_organization_kinds or []
    if not kinds or not user.is_authenticated or user.organization_id is None:
        return False  # (without reading the organisation: a page of open places runs no query for it)
    organization = user.organization
    return organization.kind in kinds and not organization.is_verified


def eligibility_error(*, user, place: Community | Group, allow_unverified: bool = False) -> str:
    """Return why user may not join or ask to join place (a community or a group), or "" when they may.

    A place is reserved when it lists organisation kinds; then only people whose
    organisation is of one of those kinds may join or ask to join it. An organisation a
    person proposed counts only once a coordinator has verified it; allow_unverified lets
    such a person ask to join (the coordinators verify it before approving the request).
    """
    kinds = place.eligible_organization_kinds or []
    if not kinds:
        return ""
    organization = user.organization if user.is_authenticated else None
    labels = reserved_to(place)
    if organization is not None and organization.kind in kinds:
        if organization.is_verified or allow_unverified:
            return ""
        return _(
            "%(place)s is reserved to people from these kinds of organisation: %(kinds)s. "
            "Your organisation, %(organization)s, awaits verification by a coordinator: it counts once verified."
        ) % {"place": place.name, "kinds": labels, "organization": organization.name}
    if organization is None:
        return _(
            "%(place)s is reserved to people from these kinds of organisation: %(kinds)s. "
            "Your profile names no organisation."
        ) % {"place": place.name, "kinds": labels}
    return _(
        "%(place)s is reserved to people from these kinds of organisation: %(kinds)s. "
        "Your organisation, %(organization)s, is listed as: %(kind)s."
    ) % {
        "place": place.name,
        "kinds": labels,
        "organization": organization.name,
        "kind": organization.get_kind_display(),
    }


@dataclass(frozen=True)
class JoinState:
    """What a visitor's place in a community or group is, and what they may do about it."""

    policy: str
    authenticated: bool
    status: str | None = None
    role: str | None = None
    reason: str = ""
    ineligible: str = ""
    invitation: Invitation | None = None
    # For a group: the visitor is not in the community, and the community does not let them in at once.
    needs_community: bool = False
    # For a group of an open community the visitor is not in yet: joining the group joins both.
    joins_community: bool = False
    # The visitor manages the place (a coordinator of the community, a facilitator of the group):
    # they manage it without joining, so they are offered "Manage", never "Ask to join".
    manages: bool = False
    # The group is archived: read-only, nobody joins it any more.
    archived: bool = False

    @property
    def is_member(self) -> bool:
        return self.status == Membership.Status.ACTIVE

    @property
    def is_pending(self) -> bool:
        return self.status == Membership.Status.PENDING

    @property
    def is_declined(self) -> bool:
        return self.status == Membership.Status.DECLINED

    @property
    def _may_enter(self) -> bool:
        return (
            self.authenticated
            and not self.archived
            and not self.manages
            and not self.is_member
            and not self.is_pending
            and not self.ineligible
            and not self.needs_community
            and not self.archived
        )

    @property
    def can_join(self) -> bool:
        return self._may_enter and self.policy == JoinPolicy.OPEN

    @property
    def can_request(self) -> bool:
        return self._may_enter and self.policy == JoinPolicy.APPROVAL

    @property
    def invitation_only(self) -> bool:
        return self.policy == JoinPolicy.INVITATION and not self.is_member and not self.archived

    @property
    def can_leave(self) -> bool:
        return self.is_member or self.is_pending


def join_state(
    *,
    user,
    community: Community,
    group: Group | None = None,
    membership: Membership | None = None,
    community_membership: Membership | None = None,
    invitation: Invitation | None = None,
    manages: bool = False,
) -> JoinState:
    """Return user's JoinState in community (or group), from memberships the caller already loaded.

    The caller passes the person's membership of the place and, for a group, of its
    community, and whether the person manages the place, so a page with many groups
    computes every state without a query each.
    """
    place = group or community
    archived = group is not None and group.is_archived
    if not user.is_authenticated:
        return JoinState(policy=place.join_policy, authenticated=False, archived=archived)
    in_community = community_membership is not None and community_membership.status == Membership.Status.ACTIVE
    needs_community = False
    joins_community = False
    # A person whose proposed organisation awaits verification may still ask to join (even an
    # open place): the coordinators see them among the requesters and verify it before approving.
    policy = place.join_policy
    if policy == JoinPolicy.OPEN and awaits_verification(user=user, place=place):
        policy = JoinPolicy.APPROVAL
    ineligible = eligibility_error(user=user, place=place, allow_unverified=policy == JoinPolicy.APPROVAL)
    if group is not None and not in_community:
        if community.join_policy == JoinPolicy.OPEN:
            joins_community = True
            ineligible = ineligible or eligibility_error(user=user, place=community)
        else:
            needs_community = True
    return JoinState(
        policy=policy,
        authenticated=True,
        status=membership.status if membership else None,
        role=membership.role if membership else None,
        reason=membership.decision_reason if membership else "",
        ineligible=ineligible,
        invitation=invitation,
        needs_community=needs_community,
        joins_community=joins_community,
        manages=manages,
        archived=archived,
    )


def memberships_of(*, user, community: Community) -> dict[int | None, Membership]:
    """Return user's memberships in community and its groups, keyed by group id (None for the community)."""
    if not user.is_authenticated:
        return {}
    if (person := permissions.known_person(user)) is not None:
        return {m.group_id: m for m in person.in_community(community.pk)}
    memberships = list(Membership.objects.filter(user=user, community=community))
    permissions.note_memberships(user, community, memberships)  # later is_active_member calls ask nothing
    return {m.group_id: m for m in memberships}


def invitations_of(*, user, community: Community) -> dict[int | None, Invitation]:
    """Return the valid invitations addressed to user in community, keyed by group id (None for the community)."""
    if not user.is_authenticated:
        return {}
    if (person := permissions.known_person(user)) is not None and person.has_invitations is False:
        return {}
    invitations = Invitation.objects.valid().addressed_to(user).filter(community=community).order_by("created_at")
    return {invitation.group_id: invitation for invitation in invitations}


def community_join_state(*, user, community: Community) -> JoinState:
    memberships = memberships_of(user=user, community=community)
    invitations = invitations_of(user=user, community=community)
    return join_state(
        user=user, community=community, membership=memberships.get(None), invitation=invitations.get(None)
    )


def group_join_state(*, user, community: Community, group: Group) -> JoinState:
    memberships = memberships_of(user=user, community=community)
    invitations = invitations_of(user=user, community=community)
    return join_state(
        user=user,
        community=community,
        group=group,
        membership=memberships.get(group.pk),
        community_membership=memberships.get(None),
        invitation=invitations.get(group.pk),
        manages=permissions.can_manage(user, group),
    )


# --- Directory --------------------------------------------------------------------------------------


ACCESS_OPEN = "open"
ACCESS_RESERVED = "reserved"


def directory_communities(
    *,
    user,
    text: str = "",
    theme: str = "",
    country: str = "",
    region: str = "",
    language: str = "",
    access: str = "",
):
    """Return the communities of the directory, filtered and annotated for their cards in a fixed number of queries.

    access is "open" (no eligibility restriction) or "reserved" (limited to some kinds of
    organisation). Each card may show `next_meeting`, which higher apps set through
    hooks.annotate_directory() (communities never imports meetings).
    """
    communities = Community.objects.listed_for(user)
    if text:
        communities = communities.filter(
            Q(name__icontains=text) | Q(tagline__icontains=text) | Q(description__icontains=text)
        )
    if theme:
        communities = communities.filter(pk__in=Community.objects.filter(themes__slug=theme).values("pk"))
    if country:
        # Several countries are stored as "IT,LY": two-letter codes cannot match across a comma.
        communities = communities.filter(countries__contains=country.upper())
    if region:
        communities = communities.filter(region__iexact=region)
    if language:
        # Cast the JSON list to text: works alike on PostgreSQL and SQLite.
        communities = communities.annotate(languages_text=Cast("languages", TextField())).filter(
            languages_text__contains=f'"{language}"'
        )
    if access == ACCESS_OPEN:
        communities = communities.filter(eligible_organization_kinds=[])
    elif access == ACCESS_RESERVED:
        communities = communities.exclude(eligible_organization_kinds=[])
    # Each card's group count is one small count, evaluated only for the page's rows (after ORDER BY ...
    # LIMIT), never a join of every membership with every group; the page count needs none. Member
    # counts are the cards' (directory_annotate: kept until a membership changes, directory_counts).
    groups = Group.objects.filter(community=OuterRef("pk")).order_by().values("community").annotate(count=Count("pk"))
    return (
        communities.annotate(group_count=Coalesce(Subquery(groups.values("count")), 0))
        .prefetch_related("themes")
        .order_by("name")
    )


def directory_filter_choices(*, user) -> dict[str, list[tuple[str, str]]]:
    """Return the themes, countries and regions the listed communities use, for the directory's filters."""
    from django_countries import countries as all_countries
    from taggit.models import Tag

    listed = Community.objects.listed_for(user)
    # The content type's id, not a join on its app label and model: PostgreSQL cannot tell from
    # those names which of the two million tagged items (mostly knowledge's) are communities',
    # and read them all through the object_id index (0.75 s at network scale; 0.3 ms by id).
    community_type = ContentType.objects.get_for_model(Community)  # cached by Django after the first call
    themes = (
        Tag.objects.filter(
            taggit_taggeditem_items__content_type_id=community_type.pk,
            taggit_taggeditem_items__object_id__in=listed.values("pk"),
        )
        .distinct()
        .order_by("name")
    )
    codes: set[str] = set()
    regions: set[str] = set()
    for country_list, region in listed.values_list("countries", "region"):
        # values_list() gives the stored text, "IT,LY", of a multiple CountryField.
        if isinstance(country_list, str):
            country_list = country_list.split(",")
        codes.update(str(code).strip() for code in (country_list or []) if str(code).strip())
        if region:
            regions.add(region)
    names = dict(all_countries)
    return {
        "themes": [(tag.slug, tag.name) for tag in themes],
        "countries": sorted(((code, str(names.get(code, code))) for code in codes), key=lambda pair: pair[1]),
        "regions": [(region, region) for region in sorted(regions)],
    }


def directory_annotate(*, communities: list[Community], user) -> list[Community]:
    """Give the cards their member counts, let higher apps add to them (e.g. the next meeting), return the list."""
    from .directory_counts import member_counts

    counts = member_counts(community.pk for community in communities)
    for community in communities:
        community.member_count = counts[community.pk]
        community.next_meeting = None
    hooks.annotate_directory(communities=communities, user=user)
    return communities


# --- Community home and group page ------------------------------------------------------------------


def community_groups(*, community: Community, user=None):
    """Return the groups of community (those user may see, when given) with their active member counts."""
    groups = Group.objects.visible_to(user) if user is not None else Group.objects.all()
    return (
        groups.filter(community=community)
        .select_related("community")
        .annotate(member_count=Membership.objects.active_count_of_group())
        # In the coordinators' order, then naturally: "Coordination team 2" before "Coordination team 10".
        .order_by("position", "sort_name", "pk")
    )


def community_leaders(*, community: Community, user=None):
    """Return the active coordinators and facilitators of community (of the groups user may see, when given)."""
    leaders = Membership.objects.active()
    if user is not None:
        leaders = leaders.filter(permissions.in_visible_group(user))
    return (
        leaders.filter(community=community, role__in=[Membership.Role.COORDINATOR, Membership.Role.FACILITATOR])
        .select_related("user", "user__organization", "group")
        .order_by(ROLE_ORDER, "group__position", "group__sort_name", "user__full_name")
    )


def community_partners(*, community: Community):
    """Return the current partnerships of community ordered by partner role, ready for {% regroup %} by role."""
    return (
        Partnership.objects.current()
        .filter(community=community)
        .select_related("organization", "role")
        .order_by("role__order", "role__name", "organization__name")
    )


GROUP_MEMBER_FIELDS = (
    "role",
    "user",
    "user__full_name",
    "user__email",
    "user__organization",
    "user__organization__name",
)


def group_members(*, group: Group):
    """Return the active members of group who chose to be listed, with their organisations (facilitators first)."""
    return (
        Membership.objects.active()
        .filter(group=group, user__is_active=True, user__listed_in_directory=True)
        .select_related("user", "user__organization")
        # What the page shows of each (a group of REBUILD lists 74 at network scale): reading whole
        # people, with every column of their profile and account, was most of building the list.
        .only(*GROUP_MEMBER_FIELDS)
        .order_by(ROLE_ORDER, "user__full_name")
    )


# --- Coordinator console ----------------------------------------------------------------------------


def console_requests(*, user, community: Community):
    """Return the pending requests of community that user may decide on, oldest first."""
    return (
        Membership.objects.manageable_by(user, community)
        .pending()
        .select_related("user", "user__organization", "group")
        .order_by("created_at", "pk")
    )


def console_requests_oldest(*, user, community: Community, limit: int) -> tuple[list[Membership], int]:
    """Return the oldest `limit` pending requests user may decide on, and how many there are in all.

    One query (first_by_id_and_total): a window count joined every pending request to its person and
    organisation before the LIMIT, 1,319 rows for REBUILD at full scale, 13-40 ms for the 50 shown.
    """
    pending = console_requests(user=user, community=community)
    return first_by_id_and_total(pending, limit, "user", "user__organization", "group")


def console_members(*, user, community: Community, group: Group | None = None, text: str = ""):
    """Return the active members of community (or of one group) that user manages."""
    members = (
        Membership.objects.manageable_by(user, community)
        .active()
        .filter(group=group)
        .select_related("user", "user__organization")
    )
    if text:
        members = members.filter(
            Q(user__full_name__icontains=text)
            | Q(user__email__icontains=text)
            | Q(user__organization__name__icontains=text)
        )
    return MembersInRoleOrder(members)


class MembersInRoleOrder:
    """Memberships in the console's order (coordinators, facilitators, then members, each by name), for a Paginator.

    Sorted in one ORDER BY (the role's rank, then the person's name), a page of a large community
    joined and sorted every member (10,000 at scale 0.3: 110 ms; 440 ms at full scale). A page is
    read as two branches in one query: the few leaders, and the members walked in the order of the
    index on the person's (full_name, email), each branch cut at the page's end, merged and cut
    again (issue 15). The same rows in the same order; count() is one query, a page one more.
    """

    ordered = True  # for Paginator: the order is fixed

    def __init__(self, members):
        self.members = members.order_by()

    def count(self) -> int:
        return self.members.count()

    def __len__(self) -> int:
        return self.count()

    def _branch(self, rows, rank):
        sort = {"sort_name": F("user__full_name"), "sort_email": F("user__email")}
        return rows.annotate(rank=rank, **sort).order_by("rank", "sort_name", "sort_email", "pk")

    def __getitem__(self, key):
        if not isinstance(key, slice) or key.step is not None:
            raise TypeError("MembersInRoleOrder supports slices only")
        start, stop = key.start or 0, key.stop
        if stop is not None and stop <= start:
            return []  # an empty page (Paginator asks [0:0] when nobody matches)
        if not connection.features.supports_slicing_ordering_in_compound:
            # SQLite cannot order or limit the parts of a UNION: one sort of every member (the embedded default
            # serves small deployments).
            everyone = self._branch(self.members, ROLE_ORDER)
            return list(everyone[start:stop])
        # The leaders by the index on (community, status, role); everyone else ranks 2 (ROLE_ORDER's default).
        ranked = [Membership.Role.COORDINATOR, Membership.Role.FACILITATOR]
        leaders = self._branch(self.members.filter(role__in=ranked), ROLE_ORDER)
        members = self._branch(self.members.exclude(role__in=ranked), Value(2, output_field=IntegerField()))
        if stop is not None:
            leaders, members = leaders[:stop], members[:stop]
        page = leaders.union(members, all=True).order_by("rank", "sort_name", "sort_email", "pk")
        return list(page[start:stop])


def console_invitations(*, user, community: Community):
    """Return the open (not accepted, not revoked) invitations of community that user manages."""
    return (
        Invitation.objects.manageable_by(user, community)
        .open()
        .select_related("group", "invited_by")
        .order_by("-created_at")
    )


# --- /me/ ---------------------------------------------------------------------------------------------


def my_memberships(*, user):
    """Return every membership of user that is not a past one, with community and group."""
    if permissions.known_person(user) is not None:
        return [m for m in permissions.memberships(user) if m.status != Membership.Status.LEFT]
    return (
        Membership.objects.filter(user=user)
        .exclude(status=Membership.Status.LEFT)
        .select_related("community", "group", "group__community")
        .order_by("community__name", "group__position", "group__sort_name")
    )


def my_invitations(*, user):
    """Return the valid invitations addressed to user's verified email addresses."""
    if (person := permissions.known_person(user)) is not None and person.has_invitations is False:
        return Invitation.objects.none()
    return (
        Invitation.objects.valid()
        .addressed_to(user)
        .select_related("community", "group", "invited_by")
        .order_by("-created_at")
    )
