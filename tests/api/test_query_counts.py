"""Every list endpoint runs a fixed number of queries, whatever the number of rows (pinned here)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from communities.models import Community, Membership
from discussions.models import Announcement
from discussions.services import post_reply, thread_start
from knowledge.services import item_create
from tests.api.conftest import client_for
from tests.factories import CommunityFactory, GroupFactory, UserFactory, make_member
from tests.meetings.factories import MeetingFactory

# endpoint -> queries with a token: the token and its person (1), the person's memberships (1, read
# before the view so that the permission rules carry their ids: cop_portal.api.access), the community
# (1), the page (1), and one each for what the rows need: the thread (posts), the items' authors and
# themes (knowledge). Nothing is asked per row. (memberships read the person's management of the
# community already, so the person read first costs that endpoint nothing.)
PINNED = {
    "communities": 3,
    "groups": 4,
    "memberships": 4,
    "meetings": 4,
    "knowledge": 6,
    "threads": 4,
    "posts": 5,
    "announcements": 4,
}


def _fill(community, coordinator, rows: int) -> int:
    """Add rows of every kind to community; return the id of a thread with rows posts."""
    thread = thread_start(community=community, by=coordinator, title="Long thread", body="first")
    for n in range(rows):
        person = make_member(community)
        GroupFactory(community=community)
        MeetingFactory(community=community, capacity=3)
        item_create(community=community, by=person, kind="lesson", title=f"Item {n}", body="x", publish=True)
        thread_start(community=community, by=person, title=f"Thread {n}", body="x")
        post_reply(thread=thread, by=person, body=f"reply {n}")
        Announcement.objects.create(community=community, title=f"News {n}", body="x", created_by=coordinator)
        CommunityFactory()
    Membership.objects.create(user=UserFactory(), community=community, status=Membership.Status.PENDING)
    return thread.pk


def _measure(api, thread_pk) -> dict[str, int]:
    base = "/api/v1/communities/counted/"
    urls = {
        "communities": "/api/v1/communities/",
        "groups": f"{base}groups/",
        "memberships": f"{base}memberships/",
        "meetings": f"{base}meetings/",
        "knowledge": f"{base}knowledge/",
        "threads": f"{base}threads/",
        "posts": f"{base}threads/{thread_pk}/posts/",
        "announcements": f"{base}announcements/",
    }
    counts = {}
    for name, url in urls.items():
        api.get(url)  # warm per-process caches (content types), and the token's "last used" write
        with CaptureQueriesContext(connection) as context:
            response = api.get(url)
        assert response.status_code == 200, (name, response.content)
        assert response.json()["results"], name
        counts[name] = len(context.captured_queries)
    return counts


@pytest.mark.parametrize("role", [Membership.Role.MEMBER, Membership.Role.COORDINATOR])
def test_list_endpoints_run_the_same_queries_for_few_rows_and_for_many(db, settings, role):
    settings.API_THROTTLE_RATES = {"token": "10000/minute"}
    community = CommunityFactory(slug="counted", visibility=Community.Visibility.MEMBERS)
    coordinator = make_member(community, role=Membership.Role.COORDINATOR)
    viewer = coordinator if role == Membership.Role.COORDINATOR else make_member(community)
    api = client_for(viewer)
    thread_pk = _fill(community, coordinator, 2)
    few = _measure(api, thread_pk)
    _fill(community, coordinator, 6)
    many = _measure(api, thread_pk)
    assert few == many, {name: (few[name], many[name]) for name in few if few[name] != many[name]}
    assert few == PINNED
