"""Walk every URL that takes a community and check that outsiders get nothing they should not."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from communities.models import Community, Membership
from tests.factories import CommunityFactory, UserFactory, make_member
from tests.isolation_registry import LANDING_URL_NAMES, MANAGER_URL_NAMES, PARAM_BUILDERS, SECRET

PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def _walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        route = str(entry.pattern)
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, prefix + route, ns)
        elif isinstance(entry, URLPattern):
            yield prefix + route, f"{namespace}{entry.name}"


def community_routes():
    routes = []
    for route, name in _walk(get_resolver().url_patterns):
        if "<slug:community_slug>" in route and not route.startswith("^"):
            routes.append((route, name))
    return routes


ROUTES = community_routes()


def test_the_walk_finds_the_community_urls():
    names = {name for _route, name in ROUTES}
    assert {"communities:home", "communities:group"} <= names


def _build_path(route, community):
    def fill(match):
        param = match.group("name")
        if param == "community_slug":
            return community.slug
        assert param in PARAM_BUILDERS, f"Register a builder for URL parameter {param!r} in tests/isolation_registry.py"
        return str(PARAM_BUILDERS[param](community))

    return "/" + PARAM.sub(fill, route)


@pytest.fixture
def viewers(db):
    other = CommunityFactory(slug="other-cop", visibility=Community.Visibility.PUBLIC)
    return {
        "anonymous": None,
        "outsider": UserFactory(email="outsider@example.org"),
        "member_of_other": make_member(other, UserFactory(email="other-member@example.org")),
    }


@pytest.mark.parametrize("visibility", [Community.Visibility.MEMBERS, Community.Visibility.HIDDEN])
@pytest.mark.parametrize("route,name", ROUTES, ids=[name for _r, name in ROUTES])
def test_outsiders_get_nothing_of_a_restricted_community(client, viewers, route, name, visibility):
    community = CommunityFactory(slug="secret-cop", name="Restricted CoP", visibility=visibility)
    make_member(community, UserFactory(full_name=f"Member {SECRET}"))
    path = _build_path(route, community)
    for label, user in viewers.items():
        client.logout()
        if user is not None:
            client.force_login(user)
        response = client.get(path)
        body = response.content.decode(errors="replace")
        assert SECRET not in body, f"{label} saw restricted content at {path}"
        if visibility == Community.Visibility.HIDDEN:
            allowed = {404} if user is not None else {404, 302}
        elif name in LANDING_URL_NAMES:
            allowed = {200}
        else:
            allowed = {404} if user is not None else {404, 302}
        assert response.status_code in allowed, f"{label} got {response.status_code} at {path}"
        if response.status_code == 302:
            assert response["Location"].startswith("/accounts/login/"), f"{label} redirected elsewhere from {path}"


@pytest.mark.parametrize("route,name", ROUTES, ids=[name for _r, name in ROUTES])
def test_a_member_reaches_every_community_url(db, client, route, name):
    """The walk is not vacuous: the same URLs work for a member of the community (no 404, no 500)."""
    community = CommunityFactory(slug="secret-cop", visibility=Community.Visibility.MEMBERS)
    role = Membership.Role.COORDINATOR if name in MANAGER_URL_NAMES else Membership.Role.MEMBER
    user = make_member(community, role=role)
    path = _build_path(route, community)
    client.force_login(user)
    response = client.get(path)
    assert response.status_code in {200, 302, 405}, f"member got {response.status_code} at {path}"
