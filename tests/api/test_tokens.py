"""Personal API tokens: the page that creates and revokes them, hashed storage, scopes, 401 and 403."""

import hashlib

import pytest
from django.urls import reverse
from django.utils import timezone

from communities.models import Community
from cop_portal.api.models import ApiToken
from tests.api.conftest import client_for, token_for
from tests.factories import CommunityFactory, UserFactory, make_member


@pytest.fixture
def person(db):
    return UserFactory(full_name="Ada Token")


def test_the_page_creates_a_token_shows_its_key_once_and_keeps_only_a_hash(client, person):
    client.force_login(person)
    response = client.post(reverse("me:api_tokens"), {"name": "Calendar sync", "scope": "write"})
    assert response.status_code == 200
    token = ApiToken.objects.get(user=person)
    key = response.context["new_key"]
    assert key.startswith(f"cop_{token.prefix}_") and key in response.content.decode()
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in str(ApiToken.objects.filter(pk=token.pk).values().get())  # only the hash is stored
    assert token.scope == ApiToken.Scope.WRITE and token.name == "Calendar sync"
    again = client.get(reverse("me:api_tokens")).content.decode()
    assert key not in again and f"cop_{token.prefix}" in again and "Calendar sync" in again
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_the_page_refuses_a_blank_name_and_creates_nothing(client, person):
    client.force_login(person)
    response = client.post(reverse("me:api_tokens"), {"name": "   ", "scope": "read"})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_the_page_needs_a_signed_in_person(client, db):
    assert client.get(reverse("me:api_tokens")).status_code == 302


def test_revoking_on_the_page_makes_the_token_answer_401(client, person):
    key = token_for(person)
    api = client_for(key=key)
    assert api.get("/api/v1/me/").status_code == 200
    token = ApiToken.objects.get(user=person)
    client.force_login(person)
    response = client.post(reverse("me:api_token_revoke", kwargs={"token_pk": token.pk}))
    assert response.status_code == 302
    response = api.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"
    assert response["WWW-Authenticate"] == "Token"
    assert f"cop_{token.prefix}" not in client.get(reverse("me:api_tokens")).content.decode()  # no longer listed


def test_nobody_revokes_another_persons_token(client, person):
    token_for(person)
    token = ApiToken.objects.get(user=person)
    client.force_login(UserFactory())
    assert client.post(reverse("me:api_token_revoke", kwargs={"token_pk": token.pk})).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


@pytest.mark.parametrize("header", ["Token nope", "Token cop_00000000_wrong", "Token", "Token a b"])
def test_a_wrong_key_answers_401_never_anonymous(db, header):
    client = client_for()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get("/api/v1/communities/")
    assert response.status_code == 401
    assert set(response.json()["error"]) == {"code", "message", "fields"}


def test_a_tampered_key_with_a_real_prefix_answers_401(person):
    key = token_for(person)
    assert client_for(key=key[:-2] + ("AA" if not key.endswith("AA") else "BB")).get("/api/v1/me/").status_code == 401


def test_a_token_of_a_deactivated_person_answers_401(person):
    key = token_for(person)
    person.is_active = False
    person.save(update_fields=["is_active"])
    assert client_for(key=key).get("/api/v1/me/").status_code == 401


def test_the_token_acts_as_its_person_and_records_when_it_was_used(person):
    key = token_for(person)
    response = client_for(key=key).get("/api/v1/me/")
    assert response.json() == {"id": person.pk, "name": "Ada Token", "email": person.email}
    token = ApiToken.objects.get(user=person)
    assert token.last_used_at is not None and (timezone.now() - token.last_used_at).total_seconds() < 60


def test_last_used_is_written_at_most_once_a_minute(person, django_assert_num_queries):
    key = token_for(person)
    api = client_for(key=key)
    api.get("/api/v1/me/")
    first = ApiToken.objects.get(user=person).last_used_at
    api.get("/api/v1/me/")
    assert ApiToken.objects.get(user=person).last_used_at == first


def test_a_read_token_may_read_but_not_write(person):
    community = CommunityFactory(visibility=Community.Visibility.PUBLIC)
    make_member(community, person)
    reader = client_for(person, scope=ApiToken.Scope.READ)
    assert reader.get(f"/api/v1/communities/{community.slug}/threads/").status_code == 200
    response = reader.post(f"/api/v1/communities/{community.slug}/threads/", {"title": "Hi", "body": "Hello"})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert "write scope" in response.json()["error"]["message"]
    from discussions.models import Thread

    assert not Thread.objects.exists()
    writer = client_for(person, scope=ApiToken.Scope.WRITE)
    response = writer.post(
        f"/api/v1/communities/{community.slug}/threads/", {"title": "Hi", "body": "Hello"}, format="json"
    )
    assert response.status_code == 201, response.content
    assert Thread.objects.get().created_by == person


def test_anonymous_writes_are_refused(db):
    community = CommunityFactory()
    response = client_for().post(f"/api/v1/communities/{community.slug}/threads/", {"title": "Hi", "body": "Hello"})
    assert response.status_code in (401, 403)
    assert response.json()["error"]["code"] == "not_authenticated"


def test_the_session_works_for_the_browser_and_checks_csrf(person):
    from rest_framework.test import APIClient

    community = CommunityFactory()
    make_member(community, person)
    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(person)
    assert browser.get("/api/v1/me/").json()["id"] == person.pk
    url = f"/api/v1/communities/{community.slug}/threads/"
    response = browser.post(url, {"title": "Hi", "body": "Hello"}, format="json")
    assert response.status_code == 403 and "CSRF" in response.json()["error"]["message"]
    browser.get(reverse("me:api_tokens"))  # sets the CSRF cookie, as a page of the portal does
    token = browser.cookies["csrftoken"].value
    response = browser.post(url, {"title": "Hi", "body": "Hello"}, format="json", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 201, response.content


def test_answers_to_a_token_are_never_stored_by_a_shared_cache(person):
    response = client_for(person).get("/api/v1/me/")
    assert response.status_code == 200
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
