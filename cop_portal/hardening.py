"""Guards every request passes before a view runs, and the caching rule for private answers.

RequestLimitsMiddleware refuses, before anything reads the body:
- a body larger than MAX_REQUEST_BODY_SIZE, by its declared Content-Length (413). The WSGI server
  never hands Django more than Content-Length bytes, so the declared length is the most that can
  be read; the proxy in front enforces its own limit too (see README, "Running the full stack").
- a NUL character in the path, a query parameter, a form field (name or value) or a cookie (400).
  PostgreSQL cannot store or compare text holding NUL, so such a value would reach the database
  as an error (a 500) from any search box, filter or form; nothing legitimate ever sends one.

PrivateCacheMiddleware marks every answer that may depend on the person `Cache-Control: private,
no-store`: any request carrying a session cookie (signed in, or with a session of its own) and any
answer that sets one. Anonymous visitors without a session keep whatever caching a page chose.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

NUL = "\x00"


def max_request_body_size() -> int:
    return int(settings.MAX_REQUEST_BODY_SIZE)


def _declared_length(request) -> int:
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0  # Django reads nothing of a body whose length it cannot parse


def _has_nul(values) -> bool:
    return any(NUL in key or any(NUL in value for value in items) for key, items in values.lists())


def _problem(request) -> tuple[int, str] | None:
    """Return (status, kind) of what is wrong with the request, or None; the body is read last, if at all."""
    if _declared_length(request) > max_request_body_size():
        return 413, "too_large"
    # Cookies too: the session cookie is read by the session middleware, after this one.
    if NUL in request.path_info or any(NUL in key or NUL in value for key, value in request.COOKIES.items()):
        return 400, "nul"
    if _has_nul(request.GET):
        return 400, "nul"
    if request.method == "POST":
        try:
            post = request.POST
        except (MultiPartParserError, UnreadablePostError):
            return 400, "unreadable"
        except (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent):
            return 400, "too_many"
        if _has_nul(post):
            return 400, "nul"
    return None


def _message(request, kind: str) -> str:
    if kind == "too_large":
        return _("The upload is too large (%(size)s); the limit is %(limit)s. Nothing was saved.") % {
            "size": filesizeformat(_declared_length(request)),
            "limit": filesizeformat(max_request_body_size()),
        }
    if kind == "nul":
        return _("The address or the form contains a NUL character, which is never valid. Nothing was saved.")
    if kind == "too_many":
        return _("The form is too large. Nothing was saved.")
    return _("The form could not be read. Please try again.")


class RequestLimitsMiddleware:
    """Refuse oversized bodies (413) and NUL characters (400) before any view or database sees them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        problem = _problem(request)
        if problem is None:
            return self.get_response(request)
        status, kind = problem
        # The locale middleware has not run yet: answer in the language the visitor asked for.
        with translation.override(translation.get_language_from_request(request)):
            message = _message(request, kind)
        response = HttpResponse(f"{message}\n", status=status, content_type="text/plain; charset=utf-8")
        response["Cache-Control"] = "no-store"
        return response


def _personal(request, response) -> bool:
    cookie = settings.SESSION_COOKIE_NAME
    if cookie in request.COOKIES or cookie in response.cookies:
        return True
    user = getattr(request, "user", None)
    # Only an already-loaded user is asked (no query for a page that never looked).
    wrapped = getattr(user, "_wrapped", user)
    return bool(getattr(wrapped, "is_authenticated", False))


class PrivateCacheMiddleware:
    """Send `Cache-Control: private, no-store` on every answer that may depend on the person."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if _personal(request, response):
            patch_cache_control(response, private=True, no_store=True)
        return response
