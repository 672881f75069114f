"""Reads about people: who a viewer may see in a community, across communities, and what of them.

Each person chooses what other members see (members.User's visibility flags). The
functions here apply those choices once, in one place: views and templates receive a
`PersonCard`, which holds only what the viewer may see, never the raw User.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import translation

from members.models import User
from members.typography import country_name

from .models import Community, Group, Membership


def _active_members(community: Community) -> QuerySet[Membership]:
    return Membership.objects.active().community_level().filter(community=community)


def _viewer_community_ids(viewer) -> QuerySet:
    return Membership.objects.active().community_level().filter(user=viewer).values("community_id")


def is_active_member(*, viewer, community: Community) -> bool:
    """Return whether viewer is an active member of community (its directory is for members only)."""
    if not viewer.is_authenticated:
        return False
    return _active_members(community).filter(user=viewer).exists()


def members_visible_to(*, viewer, community: Community) -> QuerySet[User]:
    """Return the people of community whose directory entry viewer may see.

    Only an active member of the community sees its directory. They see the active
    members who chose to be listed, and themselves (so they can check their own entry).
    Each person is annotated with `community_role`, their role in this community.
    """
    if not viewer.is_authenticated:
        return User.objects.none()
    members = _active_members(community)
    role = Subquery(members.filter(user=OuterRef("pk")).values("role")[:1])
    return (
        User.objects.filter(Exists(members.filter(user=viewer)))  # nothing at all for a non-member
        .filter(is_active=True, pk__in=members.values("user_id"))
        .filter(Q(listed_in_directory=True) | Q(pk=viewer.pk))
        .annotate(community_role=role)
    )


def _with_expertise(term: str) -> QuerySet:
    return User.objects.filter(expertise__name__icontains=term).values("pk")


def _showing(term: str) -> QuerySet:
    """Return a subquery of the ids of people who show term in their name, organisation, job title, email or expertise.

    One id list per field, each found through its own index (members' trigram indexes on
    UPPER(field), what icontains compares), instead of one OR that reads every person.
    """
    from members.models import Organization

    organizations = Organization.objects.filter(name__icontains=term).values("pk")
    # No order in the parts (people are ordered by name by default): SQLite refuses an ORDER BY there.
    return (
        User.objects.filter(full_name__icontains=term)
        .order_by()
        .values("pk")
        .union(
            User.objects.filter(organization__in=organizations).order_by().values("pk"),
            User.objects.filter(show_job_title=True, job_title__icontains=term).order_by().values("pk"),
            User.objects.filter(show_email=True, email__icontains=term).order_by().values("pk"),
            User.objects.filter(show_expertise=True, pk__in=_with_expertise(term)).order_by().values("pk"),
        )
    )


def search_people(
    people: QuerySet[User], *, text: str = "", expertise: str = "", country: str = "", role: str = ""
) -> QuerySet[User]:
    """Narrow people by name, organisation, expertise, country and role, matching only what each person shows.

    A hidden field never matches: searching a country does not find people who hide
    their country, so a search cannot reveal what a person chose not to show.
    """
    for term in text.split():
        people = people.filter(pk__in=_showing(term))
    for term in expertise.split():
        people = people.filter(show_expertise=True, pk__in=_with_expertise(term))
    if country:
        people = people.filter(show_country=True, country=country)
    if role:
        people = people.filter(community_role=role)
    return people


def shown_countries(people: QuerySet[User]) -> list[str]:
    """Return the country codes shown by people, for a filter's choices."""
    codes = people.filter(show_country=True).exclude(country="").order_by().values_list("country", flat=True)
    return sorted(set(codes.distinct()))


def shown_expertise(people: QuerySet[User], *, limit: int = 40) -> list[tuple[str, int]]:
    """Return the most frequent expertise tags that people show, with how many show each."""
    from taggit.models import Tag

    visible = people.filter(show_expertise=True).order_by().values("pk")
    tags = (
        Tag.objects.filter(user__in=visible)
        .annotate(people=Count("user", distinct=True))
        .order_by("-people", "name")
        .values_list("name", "people")[:limit]
    )
    return list(tags)


def _language_name(code: str) -> str:
    try:
        return str(translation.get_language_info(code)["name_translated"])
    except KeyError:
        return code


@dataclass(frozen=True)
class SharedCommunity:
    slug: str
    name: str


@dataclass(frozen=True)
class PersonCard:
    """What a viewer may see of a person: hidden fields are empty, whatever the person entered."""

    pk: int
    name: str
    organization: str = ""
    organization_city: str = ""
    role: str = ""
    role_label: str = ""
    job_title: str = ""
    country_code: str = ""
    country_name: str = ""
    email: str = ""
    expertise: tuple[str, ...] = ()
    is_viewer: bool = False
    listed: bool = True
    shared_communities: tuple[SharedCommunity, ...] = ()


@dataclass(frozen=True)
class PersonProfile:
    card: PersonCard
    bio: str = ""
    languages: tuple[str, ...] = ()
    groups: tuple[Group, ...] = ()
    shared_communities: tuple[Community, ...] = ()
    shows_communities: bool = False


def person_card(person: User, *, viewer, shared_communities=()) -> PersonCard:
    """Return the card of person as viewer may see it (expertise should be prefetched)."""
    from django.utils.translation import gettext

    role = getattr(person, "community_role", None) or ""
    organization = person.organization
    return PersonCard(
        pk=person.pk,
        # Never fall back to the email address as a name: the person may hide it.
        name=person.full_name or gettext("Unnamed member"),
        organization=organization.name if organization else "",
        organization_city=organization.city if organization else "",
        role=role,
        role_label=str(Membership.Role(role).label) if role else "",
        job_title=person.job_title if person.show_job_title else "",
        country_code=person.country.code if person.show_country and person.country else "",
        country_name=country_name(person.country) if person.show_country and person.country else "",
        email=person.email if person.show_email else "",
        expertise=tuple(tag.name for tag in person.expertise.all()) if person.show_expertise else (),
        is_viewer=person.pk == viewer.pk,
        listed=person.listed_in_directory,
        shared_communities=tuple(shared_communities) if person.show_communities else (),
    )


def directory_people(*, viewer, community: Community) -> QuerySet[User]:
    """Return the directory of community for viewer, ready for cards in a fixed number of queries."""
    return (
        members_visible_to(viewer=viewer, community=community)
        .select_related("organization")
        .prefetch_related("expertise")
        .order_by("full_name", "pk")
    )


def member_profile(*, viewer, community: Community, user_id: int) -> PersonProfile | None:
    """Return the profile of a listed member of community as viewer may see it, or None (404)."""
    person = directory_people(viewer=viewer, community=community).filter(pk=user_id).first()
    if person is None:
        return None
    groups = (
        Group.objects.visible_to(viewer)
        .filter(community=community, memberships__user=person, memberships__status=Membership.Status.ACTIVE)
        .select_related("community")
        .distinct()
        .in_order()
    )
    shared: tuple[Community, ...] = ()
    if person.show_communities:
        shared = tuple(
            Community.objects.filter(pk__in=_viewer_community_ids(viewer))
            .filter(pk__in=_viewer_community_ids(person))
            .order_by("name")
        )
    return PersonProfile(
        card=person_card(person, viewer=viewer),
        bio=person.bio,
        languages=tuple(_language_name(code) for code in person.spoken_languages or ()),
        groups=tuple(groups),
        shared_communities=shared,
        shows_communities=person.show_communities,
    )


def people_sharing_communities_with(*, viewer) -> QuerySet[User]:
    """Return the listed people who share at least one community with viewer (viewer excluded).

    Each person carries `shared_memberships`: their active memberships in the viewer's
    communities, for links to their profile there.
    """
    if not viewer.is_authenticated:
        return User.objects.none()
    shared = Membership.objects.active().community_level().filter(community__in=_viewer_community_ids(viewer))
    return (
        User.objects.filter(is_active=True, listed_in_directory=True, pk__in=shared.values("user_id"))
        .exclude(pk=viewer.pk)
        .select_related("organization")
        .prefetch_related(
            "expertise",
            Prefetch(
                "memberships",
                queryset=shared.select_related("community").order_by("community__name"),
                to_attr="shared_memberships",
            ),
        )
        .order_by("full_name", "pk")
    )


def expertise_search(people: QuerySet[User], *, text: str) -> QuerySet[User]:
    """Narrow people to those who show an expertise matching every word of text."""
    for term in text.split():
        people = people.filter(show_expertise=True, pk__in=_with_expertise(term))
    return people


def expertise_card(person: User, *, viewer) -> tuple[PersonCard, str]:
    """Return person's card for "who knows what" and the slug of a community to open their profile in."""
    memberships = getattr(person, "shared_memberships", [])
    communities = [SharedCommunity(slug=m.community.slug, name=m.community.name) for m in memberships]
    card = person_card(person, viewer=viewer, shared_communities=communities)
    return card, communities[0].slug if communities else ""
