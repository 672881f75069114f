"""What a request may do through the API, beyond what the person may do on the pages: the token's scope."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from communities.permissions import known_person

from .models import ApiToken


class TokenScope(permissions.BasePermission):
    """Reads are open (the querysets decide what each person sees); writes need a signed-in person,
    and through a token, one with the write scope."""

    message = _("This token may only read: create a token with the write scope to change things.")

    def has_permission(self, request, view) -> bool:
        if request.method in permissions.SAFE_METHODS:
            # The person (a token's or a session's) is known only now: their memberships are read
            # before the view builds its querysets, whose permission rules then carry the person's
            # ids instead of nested subqueries (communities.permissions.person), as on the pages.
            known_person(request.user)
            return True
        if not (request.user and request.user.is_authenticated):
            self.message = _("Sign in or send a token to change things.")
            return False
        if isinstance(request.auth, ApiToken):
            return request.auth.may_write
        return True
