"""Where to send a visitor back to after a form: the "next" they posted, when it is safely ours.

A "next" value is kept only when it is a path of this site ("/..."): not another host, not a
scheme, not a bare word (redirect() would take "2147483648" for a view name and fail with a
500), and free of control characters (a CR/LF would reach the Location header).
"""

from __future__ import annotations

from django.utils.http import url_has_allowed_host_and_scheme

from .text import has_control_characters

MAX_NEXT_LENGTH = 2000


def safe_next(request, default=None):
    """Return the request's "next" (POST first, then the query) when it is a path of this site, else default."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if (
        candidate.startswith("/")
        and len(candidate) <= MAX_NEXT_LENGTH
        and not has_control_characters(candidate)
        and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return candidate
    return default
