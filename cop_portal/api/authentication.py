"""How the API knows who asks: a personal token ("Authorization: Token <key>") or the browser's session."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from .tokens import token_for_key, token_touch


class TokenAuthentication(authentication.BaseAuthentication):
    """Authenticate "Authorization: Token <key>"; request.auth is then the ApiToken (its scope is checked later).

    A wrong, revoked or malformed key answers 401 at once, never falls back to anonymous.
    """

    keyword = "Token"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid token header: give one key after “Token”."))
        try:
            key = header[1].decode()
        except UnicodeError as error:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from error
        token = token_for_key(key)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid or revoked token."))
        token_touch(token)
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword


class SessionAuthentication(authentication.SessionAuthentication):
    """The signed-in browser: Django's session, with CSRF checked on every write (DRF's behaviour)."""
