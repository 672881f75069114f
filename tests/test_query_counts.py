"""Each key page runs the same number of queries on the demo data and on more data (seed_scale added).

The number is measured, not written down: a page whose queries grow with the data (one per group,
per meeting, per item on the page...) fails here, whatever its count on the demo. The seed adds
communities, groups, people, meetings, registrations, items, follows and threads to the demo's
REBUILD too, and makes its member and coordinator heavy users, so their pages see more of everything.
"""

import io

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from members.models import User

pytestmark = pytest.mark.django_db

MEMBER = "member.rebuild@cop.demo"
COORDINATOR = "coordinator.rebuild@cop.demo"
PAGES = [
    ("directory", None, "/"),
    ("directory", MEMBER, "/"),
    ("community home", None, "/c/rebuild/"),
    ("community home", MEMBER, "/c/rebuild/"),
    ("meeting list", None, "/c/rebuild/meetings/"),
    ("meeting list", MEMBER, "/c/rebuild/meetings/"),
    ("past meetings", MEMBER, "/c/rebuild/meetings/?when=past"),
    ("knowledge list", None, "/c/rebuild/knowledge/"),
    ("knowledge list", MEMBER, "/c/rebuild/knowledge/"),
    ("/me/", MEMBER, "/me/"),
    ("/me/", COORDINATOR, "/me/"),
    ("group page", MEMBER, "group"),
    ("discussions list", MEMBER, "/c/rebuild/discussions/"),
    ("console", COORDINATOR, "/c/rebuild/manage/"),
]


def _group_url() -> str:
    from communities.models import Group

    group = Group.objects.filter(community__slug="rebuild", visibility=Group.Visibility.PUBLIC).order_by("pk").first()
    return group.get_absolute_url()


def measure(client) -> dict[tuple[str, str | None], int]:
    counts = {}
    for name, email, url in PAGES:
        client.logout()
        if email:
            client.force_login(User.objects.get(email=email))
        target = _group_url() if url == "group" else url
        client.get(target)  # warm per-process caches (content types, site) as a server would be
        with CaptureQueriesContext(connection) as context:
            response = client.get(target)
        assert response.status_code == 200, (name, email, response.status_code)
        counts[(name, email)] = len(context.captured_queries)
    return counts


def _grown(client, settings) -> dict:
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    on_demo = measure(client)
    # The scale rows must never outlive this test (the demo copy is shared by later tests): an
    # explicit transaction rolled back, whatever state the test's own transaction is in.
    with transaction.atomic():
        call_command("seed_scale", scale=0.001, seed=3, stdout=io.StringIO())
        on_more = measure(client)
        transaction.set_rollback(True)
    over = {page: count for page, count in on_more.items() if count > 20}
    assert not over, f"pages over 20 queries: {over}"
    return {page: (on_demo[page], on_more[page]) for page in on_demo if on_more[page] != on_demo[page]}


def test_key_pages_run_as_many_queries_on_more_data_as_on_the_demo(demo_data, client, settings):
    grown = _grown(client, settings)
    assert not grown, f"queries grew with the data (demo, more): {grown}"
