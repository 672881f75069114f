"""The pages `make run` serves answer on the embedded SQLite default as they do on PostgreSQL.

Marked sqlite: CI runs these again on SQLite after the main suite on PostgreSQL. Signed-in pages
there take other paths (ids read first where SQLite's parser cannot nest the subqueries, no UNION
of ordered parts, no ARRAY subqueries): a regression in those paths broke `make run` unseen before.
"""

import re

import pytest

from members.models import User

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]

MEMBER = "member.rebuild@cop.demo"
COORDINATOR = "coordinator.rebuild@cop.demo"


def _get(client, url, email=None):
    client.logout()
    if email:
        client.force_login(User.objects.get(email=email))
    response = client.get(url)
    assert response.status_code == 200, (url, email, response.status_code)
    return response


@pytest.mark.parametrize("email", [None, MEMBER, COORDINATOR])
def test_the_main_pages_answer_for_visitors_members_and_coordinators(client, demo_data, email):
    assert "REBUILD" in _get(client, "/", email).content.decode()
    assert "REBUILD" in _get(client, "/c/rebuild/", email).content.decode()
    meetings = _get(client, "/c/rebuild/meetings/?when=past", email).content.decode()
    assert re.search(r'href="/c/rebuild/meetings/[^"?/]+/"', meetings), "past meetings are listed"
    assert "Keeping a partnership alive" in _get(client, "/c/rebuild/knowledge/", email).content.decode()


@pytest.mark.parametrize("email", [MEMBER, COORDINATOR])
def test_me_and_the_console_answer_on_the_demo(client, demo_data, email):
    assert "REBUILD" in _get(client, "/me/", email).content.decode()
    if email == COORDINATOR:
        assert "REBUILD" in _get(client, "/c/rebuild/manage/", email).content.decode()


@pytest.mark.parametrize("email", [None, MEMBER])
def test_search_finds_knowledge_and_meetings_on_the_demo(client, demo_data, email):
    found = _get(client, "/search/?q=coordination", email).context
    assert found["items"] and found["meetings"], "knowledge and meetings about coordination are found"
    assert found["item_count"] >= len(found["items"])
    listed = _get(client, "/search/?q=coordination&type=knowledge", email).context
    assert {item.pk for item, _snippet in listed["items"]} >= {item.pk for item, _snippet in found["items"]}
