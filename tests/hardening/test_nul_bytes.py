"""Issue 14, failure 4: a NUL character anywhere in a request is a 400 with a clear message, never a 500.

PostgreSQL refuses text holding NUL; before the guard, /search/?q=%00 and every filter reached the
database with it and answered 500, anonymously.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from communities.models import Membership
from members.models import User
from tests.factories import CommunityFactory, UserFactory, make_member

pytestmark = pytest.mark.django_db
NUL = "\x00"
MESSAGE = "NUL character"


@pytest.fixture
def cop():
    return CommunityFactory(slug="nul-cop")


def assert_refused(response):
    assert response.status_code == 400
    assert MESSAGE in response.content.decode()


ANONYMOUS = [
    ("/search/", {"q": NUL}),
    ("/search/", {"q": f"water{NUL}"}),
    ("/search/", {f"q{NUL}": "water"}),
    ("/tags/water/", {"page": NUL}),
    (f"/tags/water{NUL}/", {}),
    ("/c/nul-cop/meetings/", {"theme": NUL}),
    ("/c/nul-cop/meetings/", {"kind": NUL, "group": NUL}),
    ("/c/nul-cop/meetings/calendar/", {"month": f"2026-01{NUL}"}),
    ("/c/nul-cop/knowledge/", {"q": NUL}),
    ("/", {"q": NUL}),
]


@pytest.mark.parametrize("path,params", ANONYMOUS)
def test_nul_in_the_address_is_refused_for_anonymous_visitors(client, cop, path, params):
    assert_refused(client.get(path, params))


@pytest.mark.parametrize("path,params", ANONYMOUS)
def test_nul_in_the_address_is_refused_for_members(client, cop, path, params):
    client.force_login(make_member(cop))
    assert_refused(client.get(path, params))


def test_nul_in_the_console_search_is_refused(client, cop):
    client.force_login(make_member(cop, role=Membership.Role.COORDINATOR))
    url = reverse("communities:manage", args=[cop.slug])
    assert client.get(url, {"q": "anna"}).status_code == 200
    assert_refused(client.get(url, {"q": NUL}))


def test_nul_in_the_admin_search_is_refused(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get("/admin/members/user/", {"q": "anna"}).status_code == 200
    assert_refused(client.get("/admin/members/user/", {"q": NUL}))


def test_nul_in_a_posted_form_is_refused_and_changes_nothing(client):
    before = User.objects.count()
    response = client.post(
        reverse("account_signup"),
        {"email": f"new{NUL}@example.org", "password1": "a-long-new-password", "password2": "a-long-new-password"},
    )
    assert_refused(response)
    assert_refused(client.post(reverse("account_login"), {"login": f"a{NUL}@example.org", "password": "x"}))
    assert User.objects.count() == before


def test_nul_in_a_posted_form_is_refused_for_signed_in_people(client, cop):
    person = make_member(cop)
    client.force_login(person)
    response = client.post(reverse("knowledge:item_create", args=[cop.slug]), {"title": f"Plan{NUL}", "kind": "lesson"})
    assert_refused(response)


def test_nul_in_a_cookie_is_refused_before_the_session_is_looked_up(client):
    client.cookies["sessionid"] = f"abc{NUL}defghijk"
    assert_refused(client.get("/"))


def test_the_refusal_is_in_the_visitors_language(client):
    response = client.get("/search/", {"q": NUL}, HTTP_ACCEPT_LANGUAGE="it")
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"


def test_ordinary_requests_pass(client, cop):
    assert client.get("/search/", {"q": "acqua"}).status_code == 200
    assert client.get("/c/nul-cop/meetings/", {"theme": "water"}).status_code == 200
