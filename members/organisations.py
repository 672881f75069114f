"""Which organisations a person may pick, and finding them by name: the reads behind the profile's field.

Who may see which organisation depends on communities (a partner of a members-only or hidden
community is not shown to outsiders), which this app does not know (communities stands on
members, never the reverse). So communities registers the rule from its AppConfig.ready():

    from members import organisations
    organisations.register_visibility(selectors_organisations.organizations_visible_to)

Without a registered rule (members used alone) a person sees only their own organisation and
the ones they proposed: nothing leaks by default.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from members.typography import country_name, join_comma

from .models import Organization

# A visible list this short is offered as a plain select; a longer one is searched by name.
SHORT_LIST = 30
# At most this many suggestions are offered for a search; the person types more to narrow it.
MAX_SUGGESTIONS = 20

_visibility: list[Callable[..., QuerySet]] = []


def register_visibility(rule: Callable[..., QuerySet]) -> None:
    """Register the function (user -> Organization queryset) that says which organisations user may see."""
    if rule not in _visibility:
        _visibility[:] = [rule]


def own_organizations(user) -> Q:
    """Return a Q for the organisations that are user's own: on their profile, or proposed by them."""
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    own = Q(proposed_by=user)
    if user.organization_id:
        own |= Q(pk=user.organization_id)
    return own


def visible_to(user) -> QuerySet[Organization]:
    """Return the organisations user may see and pick on their profile, ordered by name."""
    queryset = _visibility[0](user) if _visibility else Organization.objects.filter(own_organizations(user))
    return queryset.order_by("name", "country", "pk")


@dataclass
class SearchResult:
    """What a name typed in an organisation search found: one organisation, or suggestions to pick from."""

    text: str
    chosen: Organization | None = None
    suggestions: list[Organization] = field(default_factory=list)
    more: bool = False  # there were more matches than the suggestions shown


def search(queryset: QuerySet[Organization], text: str) -> SearchResult:
    """Find text among queryset's organisations: one exact name is taken, anything else is suggested.

    The match is case-insensitive; a part of the name or the city finds suggestions too.
    """
    text = " ".join((text or "").split())
    result = SearchResult(text=text)
    if not text:
        return result
    exact = list(queryset.filter(name__iexact=text)[:2])
    if len(exact) == 1:
        result.chosen = exact[0]
        return result
    matches = list(queryset.filter(Q(name__icontains=text) | Q(city__icontains=text))[: MAX_SUGGESTIONS + 1])
    result.more = len(matches) > MAX_SUGGESTIONS
    result.suggestions = matches[:MAX_SUGGESTIONS]
    return result


def label(organization: Organization) -> str:
    """Return how an organisation is offered in a list: name, city, country, and whether it awaits verification."""

    place = join_comma(part for part in [organization.city, country_name(organization.country)] if part)
    text = f"{organization.name} ({place})" if place else organization.name
    if not organization.is_verified:
        text = _("%(organisation)s, awaiting verification") % {"organisation": text}
    return text
