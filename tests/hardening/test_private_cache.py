"""Issue 14, failure 8: every answer that depends on the person says `Cache-Control: private, no-store`.

Before, /me/, the console, member profiles, registrations, reports, deliveries and the account pages
carried no Cache-Control at all, so a shared cache (a proxy, a CDN) could keep one person's page and
hand it to the next. Anonymous visitors without a session keep the pages' own caching.
"""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from communities.models import Membership
from cop_portal.hardening import PrivateCacheMiddleware
from meetings.models import Meeting
from tests.factories import CommunityFactory, UserFactory, make_member
from tests.meetings.factories import MeetingFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def assert_private(response):
    directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    assert {"private", "no-store"} <= directives, (response.status_code, response.get("Cache-Control"))
    assert "public" not in directives


@pytest.fixture
def place():
    community = CommunityFactory(slug="cache-cop")
    coordinator = make_member(community, role=Membership.Role.COORDINATOR)
    member = make_member(community, UserFactory(full_name="Marta Member"))
    meeting = MeetingFactory(community=community, title="Board", visibility=Meeting.Visibility.PUBLIC)
    RegistrationFactory(meeting=meeting, user=member)
    return {"community": community, "coordinator": coordinator, "member": member, "meeting": meeting}


def personal_pages(place) -> list[str]:
    slug, meeting, member = place["community"].slug, place["meeting"], place["member"]
    return [
        reverse("me:dashboard"),
        reverse("me:notifications"),
        reverse("members:profile"),
        reverse("communities:manage", args=[slug]),
        reverse("communities:manage_history", args=[slug]),
        reverse("people:member", kwargs={"community_slug": slug, "user_id": member.pk}),
        reverse("people:directory", kwargs={"community_slug": slug}),
        reverse("meetings:registrations", kwargs={"community_slug": slug, "meeting_pk": meeting.pk}),
        reverse("meetings:registrations_csv", kwargs={"community_slug": slug, "meeting_pk": meeting.pk}),
        reverse("reports:index", kwargs={"community_slug": slug}),
        reverse("notifications:deliveries", kwargs={"community_slug": slug}),
        reverse("account_email"),
        reverse("account_change_password"),
        reverse("mfa_index"),
        f"/c/{slug}/",
        "/",
        "/search/?q=board",
    ]


def test_every_page_a_signed_in_person_gets_is_private_and_never_stored(client, place):
    client.force_login(place["coordinator"])
    for url in personal_pages(place):
        response = client.get(url)
        assert response.status_code in {200, 302}, url
        assert_private(response)


def test_a_member_profile_and_dashboard_are_private_for_members_too(client, place):
    client.force_login(place["member"])
    for url in (reverse("me:dashboard"), f"/c/{place['community'].slug}/"):
        assert_private(client.get(url))


def test_signing_in_answers_privately(client, place):
    response = client.post(
        reverse("account_login"), {"login": place["member"].email, "password": "a-long-test-password"}
    )
    assert response.status_code == 302
    assert "sessionid" in response.cookies
    assert_private(response)


def test_anonymous_public_pages_keep_their_own_caching(client, place):
    response = client.get(f"/c/{place['community'].slug}/")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_a_public_answer_to_a_person_with_a_session_becomes_private():
    request = RequestFactory().get("/anything/")
    request.COOKIES["sessionid"] = "x" * 32

    def view(_request):
        response = HttpResponse("hello")
        response["Cache-Control"] = "public, max-age=3600"
        return response

    response = PrivateCacheMiddleware(view)(request)
    assert_private(response)
    anonymous = RequestFactory().get("/anything/")
    assert PrivateCacheMiddleware(view)(anonymous)["Cache-Control"] == "public, max-age=3600"
