"""What the fuzzing test (test_fuzz.py) found: each was a 500, now a redirect or a 404.

- A posted "next" that is a bare word ("2147483648") was handed to redirect(), which took it for
  a view name: NoReverseMatch. A "next" is followed only when it is a path of this site.
- "\u00b2" is a digit to str.isdigit() but not to int(): a flag, a quoted post or a collection
  item given as "\u00b2" was a ValueError. Ids are parsed with members.ids.parse_id.
"""

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from communities.models import Membership
from members.redirects import safe_next
from tests.factories import CommunityFactory, make_member

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "value,expected",
    [
        ("/c/cop/", "/c/cop/"),
        ("2147483648", "fallback"),
        ("2026-02-30", "fallback"),
        ("//evil.example.org/", "fallback"),
        ("https://evil.example.org/", "fallback"),
        ("/c/cop/\r\nSet-Cookie: x=1", "fallback"),
        ("/\u202eevil", "fallback"),
        ("/" + "x" * 5000, "fallback"),
        ("", "fallback"),
    ],
)
def test_only_a_path_of_this_site_is_a_safe_next(value, expected):
    request = RequestFactory().post("/", {"next": value})
    assert safe_next(request, "fallback") == expected


@pytest.fixture
def browser():
    return Client(raise_request_exception=False)


@pytest.mark.parametrize("value", ["2147483648", "0001-01-01", "99999999999999999999999"])
def test_following_with_a_bare_word_as_next_goes_back_to_the_page(browser, value):
    community = CommunityFactory(slug="next-cop")
    browser.force_login(make_member(community))
    response = browser.post(
        reverse("discussion_mail:community_follow", args=[community.slug]), {"level": "follow", "next": value}
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/")


def test_a_flag_id_that_is_a_superscript_digit_is_no_flag(browser):
    community = CommunityFactory(slug="flag-cop")
    browser.force_login(make_member(community, role=Membership.Role.COORDINATOR))
    response = browser.post(reverse("discussions:flags", args=[community.slug]), {"flag": "\u00b2"})
    assert response.status_code == 302
