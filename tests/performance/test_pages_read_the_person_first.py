"""Pages of no one community read the signed-in person before their view runs (communities.middleware).

The header read the person's memberships while the page was rendered, after the view had built its
querysets: search, the directory and /me/ then stated every permission rule as nested subqueries
over memberships and guardian's grants (16 references to the grants table in a member's search,
58,000 characters of SQL), which cost Python to build and PostgreSQL to plan on every request.
Read first, the rules carry the person's ids (communities.permissions.person).
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from knowledge import list_cache
from members.models import User

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("url", "most"), [("/search/?q=coordination", 4), ("/", 2)])
def test_a_members_page_of_no_community_states_the_rules_with_the_persons_ids(demo_data, client, url, most):
    client.force_login(User.objects.get(email="member.rebuild@cop.demo"))
    client.get(url)
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    sql = " ".join(query["sql"] for query in context.captured_queries)
    assert sql.count("guardian_userobjectpermission") <= most, sql.count("guardian_userobjectpermission")
    if url.startswith("/search/"):
        assert "coordination" in response.content.decode().lower()
        assert len(sql) < 45_000, len(sql)


@pytest.mark.parametrize("url", ["/c/rebuild/meetings/", "/c/rebuild/knowledge/"])
def test_a_community_page_states_the_rules_with_the_persons_ids_after_reading_them(demo_data, client, url):
    """The person's read on a community's page carries an annotation (the unread threads) whose rules were
    stated before the person was known; the answers remembered then (a subquery over memberships) must
    not be what the page's own queries get once the person is read."""
    client.force_login(User.objects.get(email="member.rebuild@cop.demo"))
    client.get(url)
    list_cache.names_changed()  # the knowledge list counts again (its count is kept between requests)
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    count = next(query["sql"] for query in context.captured_queries if query["sql"].startswith("SELECT COUNT(*)"))
    assert "communities_membership" not in count, count
