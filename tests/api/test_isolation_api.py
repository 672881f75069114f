"""The isolation walk over every API endpoint, with tokens: nobody outside a community gets anything of it.

Every /api/v1/communities/<slug>/... route is visited (GET, and a write) by an anonymous client, an
outsider, a member of another community and a member whose token was revoked; a read-only token of
a member tries every write. No SECRET ever shows, hidden things answer 404, revoked tokens 401, and
no write changes a row.
"""

import pytest
from django.urls import get_resolver

from communities.models import Community, Group, Membership
from cop_portal.api.models import ApiToken
from cop_portal.api.tokens import token_revoke
from discussions.models import Announcement, Post, Thread
from knowledge.models import KnowledgeItem
from meetings.models import Meeting, Registration
from tests.api.conftest import client_for, token_for
from tests.factories import CommunityFactory, GroupFactory, UserFactory, make_member
from tests.isolation_registry import LANDING_URL_NAMES, SECRET
from tests.test_isolation import _build_path, _walk

API_ROUTES = [
    (route, name)
    for route, name in _walk(get_resolver().url_patterns)
    if name.startswith("api:") and "<slug:community_slug>" in route
]
WRITE_BODY = {
    "title": f"Write {SECRET}",
    "body": SECRET,
    "kind": "lesson",
    "community": "secret-cop",
    "name": f"Write {SECRET}",
    "description": SECRET,
    "role": "coordinator",
}


def test_the_api_walk_finds_every_community_endpoint():
    names = {name for _route, name in API_ROUTES}
    assert {
        "api:community",
        "api:groups",
        "api:memberships",
        "api:meetings",
        "api:registration",
        "api:knowledge",
    } <= names
    assert {"api:threads", "api:posts", "api:announcements", "api:announcement"} <= names
    assert {"api:meeting_cancel", "api:knowledge_publish"} <= names


def _rows() -> dict:
    """Count the rows a write could add, and read the fields a PATCH or an action could change."""
    models = (Membership, Registration, KnowledgeItem, Thread, Post, Announcement, Meeting, Group)
    rows: dict = {model.__name__: model.objects.count() for model in models}
    rows["state"] = (
        list(Meeting.objects.order_by("pk").values_list("title", "status", "start")),
        list(Group.objects.order_by("pk").values_list("name", "description", "visibility")),
        list(KnowledgeItem.objects.order_by("pk").values_list("title", "status", "body")),
        list(Membership.objects.order_by("pk").values_list("role", "status")),
    )
    return rows


@pytest.fixture
def viewers(db):
    other = CommunityFactory(slug="other-cop")
    revoked_member_key = {}

    def with_revoked(community):
        member = make_member(community)
        key = token_for(member)
        token_revoke(token=ApiToken.objects.get(user=member), by=member)
        revoked_member_key["key"] = key

    return {
        "anonymous": lambda community: client_for(),
        "outsider": lambda community: client_for(UserFactory()),
        "member_of_other": lambda community: client_for(make_member(other)),
        "revoked_member": lambda community: (with_revoked(community), client_for(key=revoked_member_key["key"]))[1],
    }


@pytest.mark.parametrize("visibility", [Community.Visibility.MEMBERS, Community.Visibility.HIDDEN])
@pytest.mark.parametrize("route,name", API_ROUTES, ids=[name for _r, name in API_ROUTES])
def test_outsiders_get_nothing_of_a_restricted_community_through_the_api(viewers, route, name, visibility):
    community = CommunityFactory(slug="secret-cop", name="Restricted CoP", visibility=visibility)
    make_member(community, UserFactory(full_name=f"Member {SECRET}"))
    path = _build_path(route, community)
    for label, make_client in viewers.items():
        client = make_client(community)
        before = _rows()
        response = client.get(path)
        body = response.content.decode(errors="replace")
        assert SECRET not in body, f"{label} saw restricted content at {path}"
        if label == "revoked_member":
            expected = {401}
        elif visibility == Community.Visibility.MEMBERS and name in LANDING_URL_NAMES:
            expected = {200}
        else:
            expected = {404}
        assert response.status_code in expected, f"{label} got {response.status_code} at {path}"
        assert set(response.json()) == ({"error"} if response.status_code >= 400 else set(response.json()))
        for method in (client.post, client.patch, client.delete):
            response = method(path, WRITE_BODY, format="json")
            assert SECRET not in response.content.decode(errors="replace"), f"{label} saw restricted content at {path}"
            allowed = (
                {401} if label == "revoked_member" else ({401, 403, 404, 405} if label == "anonymous" else {404, 405})
            )
            assert response.status_code in allowed, f"{label} {method.__name__} got {response.status_code} at {path}"
        assert _rows() == before, f"{label} changed something through {path}"


@pytest.mark.parametrize("route,name", API_ROUTES, ids=[name for _r, name in API_ROUTES])
def test_a_read_only_token_changes_nothing_anywhere(db, route, name):
    community = CommunityFactory(slug="secret-cop", visibility=Community.Visibility.MEMBERS)
    coordinator = make_member(community, role=Membership.Role.COORDINATOR)
    client = client_for(coordinator, scope=ApiToken.Scope.READ)
    path = _build_path(route, community)
    before = _rows()
    for method in (client.post, client.delete, client.put, client.patch):
        response = method(path, {**WRITE_BODY, "community": community.slug}, format="json")
        assert response.status_code in {403, 405}, f"{method.__name__} got {response.status_code} at {path}"
    assert _rows() == before


@pytest.mark.parametrize("route,name", API_ROUTES, ids=[name for _r, name in API_ROUTES])
def test_a_member_reaches_every_api_endpoint_with_a_token(db, route, name):
    """The walk is not vacuous: a member's (a coordinator's) token opens the same endpoints."""
    community = CommunityFactory(slug="secret-cop", visibility=Community.Visibility.MEMBERS)
    user = make_member(community, role=Membership.Role.COORDINATOR)
    response = client_for(user, scope=ApiToken.Scope.READ).get(_build_path(route, community))
    assert response.status_code in {200, 405}, f"got {response.status_code} at {name}"


def test_the_directory_lists_no_hidden_community_and_joining_it_is_404(db):
    hidden = CommunityFactory(slug="hidden-cop", name=f"Hidden {SECRET}", visibility=Community.Visibility.HIDDEN)
    make_member(hidden)
    outsider = client_for(UserFactory())
    response = outsider.get("/api/v1/communities/")
    assert response.status_code == 200 and SECRET not in response.content.decode()
    before = _rows()
    response = outsider.post("/api/v1/me/memberships/", {"community": "hidden-cop"}, format="json")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    assert _rows() == before


def test_a_private_group_stays_behind_its_wall(db):
    community = CommunityFactory(slug="walled-cop")
    group = GroupFactory(community=community, name=f"Private {SECRET}", visibility=Group.Visibility.PRIVATE)
    member = make_member(community)
    client = client_for(member)
    assert SECRET not in client.get("/api/v1/communities/walled-cop/groups/").content.decode()
    assert client.get(f"/api/v1/communities/walled-cop/groups/{group.slug}/").status_code == 404
    response = client.post(
        "/api/v1/communities/walled-cop/threads/", {"title": "In", "body": "x", "group": group.slug}, format="json"
    )
    assert response.status_code == 400 and response.json()["error"]["fields"]["group"]
    assert not Thread.objects.exists()
