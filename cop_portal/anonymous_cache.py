"""A short-lived cache of the public pages as visitors see them (not signed in, no session).

Most readers of a network's public pages are visitors following a link from a newsletter: they
all get the same page, and rendering it again for each of them costs 40–190 ms at network scale
where serving a stored copy costs about as much as a trivial page. Discourse does the same with
its anonymous cache; like it, this one serves a copy for at most ANONYMOUS_CACHE_SECONDS (0 turns
it off: the default; the production profile sets 60).

What is cached: a GET answered 200 with HTML by one of the views in ANONYMOUS_CACHE_VIEWS, for a
request without a session or pending messages, by a view that neither started a session nor added a
message. A page is stored (compressed) the second time it is asked for within
ANONYMOUS_CACHE_SECONDS, so that addresses nobody asks twice, such as a flood of made-up query
strings, cost the cache a marker of a few bytes each and never a page. The key is the host, the
scheme, the language, the time zone and the full path with its query. The two things in such a page
that belong to one request are put back on every hit: the Content-Security-Policy nonce of the
<style> elements and the CSRF token of the forms (the language switcher's), each replaced by a
marker when the page is stored and by the request's own value when it is served, so the policy and
the forms work as on a freshly rendered page.

Fresh: every saved or deleted row that a visitor could see changes the generation (one cache key,
after the transaction commits), and a copy from an earlier generation is never served. So an
edited meeting shows at once; what changes without a saved row (a meeting starting, "in 3 hours")
is at most ANONYMOUS_CACHE_SECONDS old. Rows nobody sees on a public page (outbox, read states,
sessions, tokens, deliveries...) are listed in PRIVATE_MODELS and leave the generation alone.
"""

from __future__ import annotations

import hashlib
import re
import zlib

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone

from members import generations

GENERATION_KEY = "anon-page:generation"
HEADER = "X-Anonymous-Cache"
NONCE_MARK = "\x00csp-nonce\x00"
CSRF_MARK = "\x00csrf-token\x00"
# How Django's {% csrf_token %} renders: the only place a page carries the token (no template
# prints {{ csrf_token }}; tests/hardening/test_anonymous_cache.py checks that stays so).
CSRF_INPUT = re.compile(r'(<input type="hidden" name="csrfmiddlewaretoken" value=")([^"]+)(">)')
MESSAGES_COOKIE = "messages"  # django.contrib.messages' CookieStorage.cookie_name

# The apps whose rows appear on public pages; a row of any other model of theirs changes the generation.
PUBLIC_APPS = {"members", "communities", "meetings", "knowledge", "discussions", "cop_portal", "taggit"}
# Rows that never show on a public page, some of them written on every visit or every minute.
PRIVATE_MODELS = {
    "members.notificationpreference",
    "members.emailledger",
    "members.outboxmessage",
    "members.personsession",
    "communities.communityevent",
    "communities.membershipevent",
    "communities.invitation",
    "communities.webhookendpoint",
    "communities.webhookdelivery",
    "meetings.calendarfeedtoken",
    "meetings.reminder",
    "meetings.seriesfollow",
    "meetings.seriesskip",
    "meetings.meetinginvitation",
    "meetings.application",
    "meetings.applicationreview",
    "meetings.applicationscore",
    "knowledge.follow",
    "knowledge.review",
    "knowledge.reviewround",
    "discussions.readstate",
    "discussions.subscription",
    "discussions.discussionpreference",
    "discussions.inboundmessage",
    "discussions.flag",
    "cop_portal.heartbeat",
    "cop_portal.erasurerecord",
    "cop_portal.dataexport",
    "cop_portal.consentrecord",
    "cop_portal.apitoken",
}
# A person's row saved only to record a sign-in or a new password hash shows nowhere.
PRIVATE_USER_FIELDS = {"last_login", "password"}


def seconds() -> int:
    return int(getattr(settings, "ANONYMOUS_CACHE_SECONDS", 0) or 0)


def bump() -> None:
    """Start a new generation: no page stored before it is served again."""
    generations.renew(GENERATION_KEY)


def row_changed(sender, instance=None, update_fields=None, **kwargs) -> None:
    """post_save, post_delete and m2m_changed: a public row changed, so start a new generation on commit."""
    if not seconds():
        return  # no copies are kept: every save of the deployment returns here
    meta = sender._meta
    if meta.app_label not in PUBLIC_APPS or meta.label_lower in PRIVATE_MODELS:
        return
    if meta.label_lower == "members.user" and update_fields and set(update_fields) <= PRIVATE_USER_FIELDS:
        return
    transaction.on_commit(bump, robust=True)


def _new_generation() -> str | None:
    return generations.current(GENERATION_KEY)


def _key(request) -> str:
    parts = "\n".join(
        (
            request.get_host(),
            request.scheme,
            getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE),
            timezone.get_current_timezone_name(),
            request.get_full_path(),
        )
    )
    return "anon-page:" + hashlib.sha256(parts.encode()).hexdigest()


def _may_use(request) -> bool:
    if request.method != "GET" or not seconds():
        return False
    match = request.resolver_match
    if match is None or match.view_name not in settings.ANONYMOUS_CACHE_VIEWS:
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES or MESSAGES_COOKIE in request.COOKIES:
        return False  # a session or a flash message can change the page; such a visitor is served fresh
    return not request.user.is_authenticated


def _may_store(request, response) -> bool:
    if response.status_code != 200 or response.streaming:
        return False
    if not response.get("Content-Type", "").startswith("text/html") or response.cookies:
        return False
    if "private" in response.get("Cache-Control", "") or "no-store" in response.get("Cache-Control", ""):
        return False
    session = getattr(request, "session", None)
    if session is not None and session.modified:
        return False
    messages = getattr(request, "_messages", None)
    return not getattr(messages, "added_new", False)


def _stored_copy(request, response) -> str | None:
    """Return the page with the request's nonce and CSRF tokens replaced by markers, or None."""
    text = response.content.decode(response.charset)
    if NONCE_MARK in text or CSRF_MARK in text:
        return None  # never mistake a page's own text for a marker
    nonce = getattr(request, "csp_nonce", "")
    if nonce:
        text = text.replace(nonce, NONCE_MARK)
    text = CSRF_INPUT.sub(lambda match: match.group(1) + CSRF_MARK + match.group(3), text)
    if "csrfmiddlewaretoken" in text.replace(f'name="csrfmiddlewaretoken" value="{CSRF_MARK}"', ""):
        return None  # a token in a form this module does not know how to find: never share it
    return text


def _served_copy(request, entry) -> HttpResponse:
    _generation, headers, packed = entry
    text = zlib.decompress(packed).decode()
    text = text.replace(NONCE_MARK, getattr(request, "csp_nonce", ""))
    parts = text.split(CSRF_MARK)
    if len(parts) > 1:
        text = "".join(part + get_token(request) for part in parts[:-1]) + parts[-1]
    response = HttpResponse(text)
    for name, value in headers.items():
        response[name] = value
    response[HEADER] = "hit"
    return response


class AnonymousPageCacheMiddleware:
    """Serve visitors a stored copy of the listed public pages; store what they were served."""

    def __init__(self, get_response):
        self.get_response = get_response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not _may_use(request):
            return None
        key = _key(request)
        found = cache.get_many([GENERATION_KEY, key])
        generation, entry = found.get(GENERATION_KEY), found.get(key)
        if generation is not None and entry is not None and entry[0] == generation:
            return _served_copy(request, entry)
        # The generation read before the page is rendered: a row saved while it renders starts a new
        # one, and this copy (possibly without that row) is then never served.
        request._anonymous_cache = (key, generation if generation is not None else _new_generation())
        return None

    def __call__(self, request):
        response = self.get_response(request)
        pending = getattr(request, "_anonymous_cache", None)
        if pending is None or HEADER in response:
            return response
        response[HEADER] = "miss"
        key, generation = pending
        if generation is not None and _may_store(request, response):
            text = _stored_copy(request, response)
            if text is not None:
                headers = {name: value for name, value in response.headers.items() if name != HEADER}
                # Stored at the second request for the same page, compressed: addresses nobody asks
                # twice (a flood of made-up query strings) leave a marker of a few bytes, not a page.
                if not cache.add(key + ":seen", 1, seconds()):
                    cache.set(key, (generation, headers, zlib.compress(text.encode(), 1)), seconds())
        return response
