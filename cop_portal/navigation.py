"""What the header shows: the current community with its sections, and the signed-in person's communities.

Every page renders the header, so its data must cost nothing of its own. On a read-only request
(every GET) the person's memberships are the ones the permissions module reads once for the
request (communities.permissions.memberships, one query shared with every permission answer of
the page), so the header adds no query and is never stale. A request that writes (a form
answered with its errors) keeps nothing between permission answers, so there the menu comes from
the cache (one small row per community), reloaded when one of the person's memberships is saved
or deleted, and dropped after a few minutes. Permissions are never taken from here: each page
still checks them; the header only chooses which links to show.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

NAV_CACHE_SECONDS = 300
MENU_LIMIT = 12  # more communities than this: the menu links the full list on /me/


def _cache_key(user_id: int) -> str:
    return f"portal-nav:v1:{user_id}"


def memberships_for_nav(user) -> dict:
    """Return {"communities": [{pk, slug, name, role}], "leads": [community pks]} for user.

    "leads" lists the communities where the person runs a group (a facilitator), which opens
    the coordinator console to them.
    """
    from communities import permissions

    if permissions.known_person(user) is not None:
        return _menu(permissions.memberships(user))
    key = _cache_key(user.pk)
    data = cache.get(key)
    if data is None:
        data = _load(user.pk)
        cache.set(key, data, NAV_CACHE_SECONDS)
    return data


def _load(user_id: int) -> dict:
    from communities.models import Membership

    rows = Membership.objects.active().filter(user_id=user_id).select_related("community")
    return _menu(rows.order_by("community__name", "community_id"))


def _menu(memberships) -> dict:
    """Return the menu data from the person's memberships (ordered by community name)."""
    from communities.models import Membership

    communities: dict[int, dict] = {}
    leads: set[int] = set()
    for membership in memberships:
        if membership.status != Membership.Status.ACTIVE:
            continue
        if membership.group_id is None:
            community = membership.community
            communities[community.pk] = {
                "pk": community.pk,
                "slug": community.slug,
                "name": community.name,
                "role": membership.role,
            }
        elif membership.role != Membership.Role.MEMBER:
            leads.add(membership.community_id)
    # A facilitator's console opens only while they are an active member of the community.
    return {"communities": list(communities.values()), "leads": sorted(leads & set(communities))}


def refresh_memberships(user_id: int) -> None:
    """Reload the cached menu of user_id now, if it is cached at all.

    Reloading at once (rather than dropping the entry) keeps the next page at the same number
    of queries; a person whose menu is not cached costs nothing.
    """
    key = _cache_key(user_id)
    if cache.get(key) is not None:
        cache.set(key, _load(user_id), NAV_CACHE_SECONDS)


def membership_changed(sender, instance, **kwargs) -> None:
    """Signal receiver (connected in CopPortalConfig.ready): a membership changed, refresh its person's menu."""
    refresh_memberships(instance.user_id)


@dataclass(frozen=True)
class Section:
    key: str
    label: str
    url: str
    current: bool
    count: int = 0  # unread threads, shown beside the label (discussions)


# Which section a page belongs to, by URL namespace (and, for the console, URL name).
_SECTION_OF_NAMESPACE = {"people": "members", "meetings": "meetings", "knowledge": "knowledge", "reports": "reports"}
_SECTION_OF_NAMESPACE["discussions"] = "discussions"


def _current_section(request) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return ""
    if match.namespace == "communities":
        if match.url_name.startswith("manage"):
            return "console"
        return "home" if match.url_name in {"home", "group", "group_members", "join", "leave"} else ""
    if match.namespace == "notifications" and match.url_name == "deliveries":
        return "console"
    if match.namespace == "notifications" and match.url_name == "meeting_reminders":
        return "meetings"
    return _SECTION_OF_NAMESPACE.get(match.namespace, "")


def community_sections(*, request, community, role: str | None, leads_here: bool) -> list[Section]:
    """Return the sections of community the visitor may open, in the order the header shows them."""
    from communities import permissions
    from communities.models import Community, Membership

    user = request.user
    superuser = permissions.is_portal_admin(user)
    is_member = role is not None or superuser
    can_see_content = community.visibility == Community.Visibility.PUBLIC or is_member
    coordinator = role == Membership.Role.COORDINATOR or superuser
    kwargs = {"community_slug": community.slug}
    wanted = [("home", _("Home"), "communities:home")]
    if is_member:
        wanted.append(("members", _("Members"), "people:directory"))
    if can_see_content:
        wanted.append(("meetings", _("Meetings"), "meetings:list"))
        wanted.append(("knowledge", _("Knowledge"), "knowledge:list"))
        wanted.append(("discussions", _("Discussions"), "discussions:list"))
    if coordinator:
        wanted.append(("reports", _("Reports"), "reports:index"))
    if coordinator or leads_here:
        wanted.append(("console", _("Console"), "communities:manage"))
    current = _current_section(request)
    # One query for a member: how many threads of this community they have not read yet.
    unread = 0
    if is_member and can_see_content and user.is_authenticated:
        person = permissions.known_person(user)
        known = person.computed("unread_threads", community.pk) if person is not None else None
        if known is not None:
            unread = known  # read with the person's memberships (discussions registers it in communities.hooks)
        else:
            from discussions.selectors import unread_counts

            unread = unread_counts(user, [community.pk]).get(community.pk, 0)
    return [
        Section(key, label, reverse(name, kwargs=kwargs), key == current, unread if key == "discussions" else 0)
        for key, label, name in wanted
    ]


def navigation(request) -> dict:
    """Context processor: the header's community sections and the person's communities.

    Computed once per request: a page whose parts are rendered with the request (the apps'
    sections of a meeting page, say) runs the context processors for each part, and the
    navigation's queries would be repeated for every one.
    """
    cached = getattr(request, "_navigation_context", None)
    if cached is None:
        cached = request._navigation_context = _navigation(request)
    return cached


def _navigation(request) -> dict:
    user = getattr(request, "user", None)
    community = getattr(request, "community", None)
    mine: list[dict] = []
    leads: list[int] = []
    if user is not None and user.is_authenticated:
        data = memberships_for_nav(user)
        mine, leads = data["communities"], data["leads"]
    if mine:
        from communities.models import Membership

        labels = dict(Membership.Role.choices)
        mine = [{**row, "role_label": labels.get(row["role"], "")} for row in mine]
    role = None
    sections: list[Section] = []
    if community is not None:
        role = next((row["role"] for row in mine if row["pk"] == community.pk), None)
        sections = community_sections(request=request, community=community, role=role, leads_here=community.pk in leads)
    return {
        "nav_my_communities": mine[:MENU_LIMIT],
        "nav_more_communities": max(0, len(mine) - MENU_LIMIT),
        "nav_role": role,
        "nav_sections": sections,
    }
