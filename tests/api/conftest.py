"""Helpers of the API tests: a client that sends a personal token, and tokens of each scope."""

import pytest
from rest_framework.test import APIClient

from cop_portal.api.models import ApiToken
from cop_portal.api.tokens import token_create


def token_for(user, scope=ApiToken.Scope.WRITE) -> str:
    """Return the key of a new token of user with scope."""
    return token_create(user=user, name=f"test {scope}", scope=scope).key


def client_for(user=None, scope=ApiToken.Scope.WRITE, key: str | None = None) -> APIClient:
    """Return an API client sending user's new token (anonymous for user=None)."""
    client = APIClient()
    if key is None and user is not None:
        key = token_for(user, scope)
    if key is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def api():
    return client_for
