"""Cursor pages on an immutable ordering: rows added while a client pages never make it skip or repeat one."""

from communities.models import Community
from discussions.services import thread_start
from tests.api.conftest import client_for
from tests.factories import CommunityFactory, make_member


def test_following_next_links_reads_every_row_once_while_rows_are_added(db):
    community = CommunityFactory(slug="paged", visibility=Community.Visibility.PUBLIC)
    author = make_member(community)
    original = [thread_start(community=community, by=author, title=f"Thread {n}", body="x").pk for n in range(7)]
    api = client_for(author)
    response = api.get("/api/v1/communities/paged/threads/?page_size=3").json()
    seen = [row["id"] for row in response["results"]]
    assert response["previous"] is None and "cursor=" in response["next"]
    for n in range(3):  # new threads arrive between the pages
        thread_start(community=community, by=author, title=f"Later {n}", body="x")
    while response["next"]:
        response = api.get(response["next"]).json()
        seen += [row["id"] for row in response["results"]]
    assert seen == sorted(original, reverse=True)  # newest first, each once, none of the later ones
    assert len(seen) == len(set(seen)) == 7


def test_a_page_size_over_the_limit_is_capped(db):
    community = CommunityFactory(slug="capped")
    author = make_member(community)
    for n in range(3):
        thread_start(community=community, by=author, title=f"T{n}", body="x")
    response = client_for(author).get("/api/v1/communities/capped/threads/?page_size=100000")
    assert response.status_code == 200 and len(response.json()["results"]) == 3
    assert client_for(author).get("/api/v1/communities/capped/threads/?cursor=garbage").status_code == 404
