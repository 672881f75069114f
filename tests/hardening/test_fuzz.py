"""Beyond the list of issue 14: malformed input anywhere never answers 500.

For every URL the isolation walk visits (tests/test_isolation.py, parameters from
tests/isolation_registry.py), and a few pages outside a community, as an anonymous visitor,
a member and a coordinator of one community:
- GET the page with malformed query parameters (the names of the page's GET forms and the
  parameters views read), and with huge ids in the path;
- POST malformed values in every field of every form the page shows (input, select and
  textarea names parsed from its HTML).
Malformed means NUL, CR/LF, 10,000 characters, huge and negative ids, invalid dates, times and
time zones, and RTL overrides (U+202E). Any 500 is collected; one assertion lists them all.

To stay within a CI budget, values are sampled: each field gets the values that fit its kind
(ids for numbers, selects of ids and hidden ids; dates for date and time fields; long, CR/LF
and RTL text for the rest) in rotation, each request giving each field a different one, and a
third of the fields keep the page's own value so that checks past the first error run too.
Each viewer starts the rotation elsewhere, so the three together cover more. Each distinct form
is posted once per viewer, NUL (refused centrally, cheaply) once per page and form, and every
request runs in a savepoint rolled back afterwards, so a POST that succeeds changes nothing for
the next one.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client

from communities.models import Community, Membership
from tests.factories import CommunityFactory, make_member
from tests.isolation_registry import PARAM_BUILDERS
from tests.test_isolation import PARAM, ROUTES

pytestmark = pytest.mark.django_db

NUL = "\x00"
HUGE_ID = "99999999999999999999999"  # beyond a 64-bit integer
LONG = "x" * 10_000
CRLF = "line one\r\nX-Injected: yes\r\n"
RTL = "\u202egnp.exe"
# What a careless user or an attacker types, by the kind of field it goes to; the likeliest trouble first.
IDS = [HUGE_ID, "-1", "\u00b2", "9223372036854775808", "2147483648", "0", LONG]  # \u00b2: isdigit(), not int()
DATES = ["9999-12-31", "2026-02-30", "0001-01-01", "25:61", "9999-12-31T23:59", "2026-03-29 02:30", "-1", LONG]
ZONES = ["Mars/Olympus_Mons", "../../etc/passwd", "UTC+14", LONG, RTL]
TEXT = [LONG, CRLF, RTL, HUGE_ID, "2026-02-30", "Mars/Olympus_Mons", "", "-1"]
DATE_NAME = re.compile(r"date|time|day|month|year|start|end|until|when|^from$|^to$|due")
DATE_TYPES = {"date", "time", "datetime-local", "month", "week"}
POST_ROTATIONS = 3  # malformed POSTs per form, beyond the NUL one
GET_ROTATIONS = 2  # malformed GETs per page that answers 200 (one for the others), beyond the NUL one
# Query parameters views read (grep request.GET), besides the fields of the page's GET forms.
QUERY_NAMES = [
    "q", "page", "month", "when", "kind", "type", "status", "group", "theme", "format", "filter",
    "table", "quote", "next", "community", "preset", "from", "to", "date", "tz", "sort", "country",
]  # fmt: skip
# Pages outside a community that take no parameter of their own.
GLOBAL_PATHS = [
    "/",
    "/me/",
    "/me/notifications/",
    "/me/calendar/",
    "/people/",
    "/people/profile/",
    "/people/profile/organisation/",
    "/search/",
    "/network/",
    "/accessibility/",
]
VIEWERS = ["anonymous", "member", "coordinator"]


@dataclass
class Form:
    method: str
    action: str
    fields: dict[str, list[str]] = field(default_factory=dict)  # name -> the page's own values
    files: set[str] = field(default_factory=set)
    types: dict[str, str] = field(default_factory=dict)  # name -> input type, "select" or "textarea"

    def add(self, name: str, value: str) -> None:
        self.fields.setdefault(name, []).append(value)


class FormParser(HTMLParser):
    """Collect every form of a page with its field names and values (also fields tied by form=)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.by_id: dict[str, Form] = {}
        self.current: Form | None = None
        self.orphans: list[tuple[str, str, str]] = []  # (form id, name, value)
        self.textarea: tuple[Form, str] | None = None
        self.select: tuple[Form, str] | None = None

    def _owner(self, attrs) -> Form | None:
        if attrs.get("form"):
            return self.by_id.get(attrs["form"])
        return self.current

    def handle_starttag(self, tag, attrs):
        attrs = {key: value or "" for key, value in attrs}
        if tag == "form":
            self.current = Form(method=(attrs.get("method") or "get").lower(), action=attrs.get("action", ""))
            self.forms.append(self.current)
            if attrs.get("id"):
                self.by_id[attrs["id"]] = self.current
            return
        name = attrs.get("name")
        if tag not in {"input", "select", "textarea", "button"} or not name:
            if tag == "option" and self.select:
                form, select_name = self.select
                form.add(select_name, attrs.get("value", ""))
            return
        owner = self._owner(attrs)
        if owner is not None:
            owner.types.setdefault(name, attrs.get("type", "text") if tag == "input" else tag)
        if owner is None:
            self.orphans.append((attrs.get("form", ""), name, attrs.get("value", "")))
            return
        if tag == "input" and attrs.get("type") == "file":
            owner.files.add(name)
        elif tag == "textarea":
            self.textarea = (owner, name)
            owner.fields.setdefault(name, [])
        elif tag == "select":
            self.select = (owner, name)
            owner.fields.setdefault(name, [])
        else:
            owner.add(name, attrs.get("value", ""))

    def handle_data(self, data):
        if self.textarea:
            form, name = self.textarea
            form.add(name, data)

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "select":
            self.select = None


def page_forms(html: str) -> list[Form]:
    parser = FormParser()
    parser.feed(html)
    for form_id, name, value in parser.orphans:
        if form_id in parser.by_id:
            parser.by_id[form_id].add(name, value)
    return parser.forms


def candidates(name: str, kind: str, own: list[str]) -> list[str]:
    """Return the malformed values that fit a field, from its name, its type and the page's own values."""
    lowered = name.lower()
    if "zone" in lowered or lowered == "tz":
        return ZONES
    if kind in DATE_TYPES or DATE_NAME.search(lowered):
        return DATES
    if kind == "number" or lowered in {"page", "item", "flag", "quote"} or lowered.endswith(("_pk", "id")):
        return IDS
    shown = [value for value in own if value]
    if shown and all(value.isdigit() for value in shown) and kind in {"select", "hidden", "radio", "checkbox"}:
        return IDS
    return TEXT


def rotated(form: Form, rotation: int) -> dict[str, str]:
    """Return one malformed value per field, a different one per rotation; a third keep the page's own value."""
    values = {}
    for index, name in enumerate(sorted(set(form.fields) - {"csrfmiddlewaretoken"})):
        own = form.fields[name]
        if (index + rotation) % 3 == 0 and own:
            values[name] = own[0]
            continue
        pool = candidates(name, form.types.get(name, "text"), own)
        values[name] = pool[(index + rotation) % len(pool)]
    return values


def upload(rotation: int) -> SimpleUploadedFile:
    names = ["\u202egnp.exe", "x" * 300 + ".pdf", "notes\r\n.txt", "..\\..\\etc\\passwd"]
    return SimpleUploadedFile(names[rotation % len(names)], b"%PDF-1.4\n" + b"A" * 64, content_type="application/pdf")


# Actions that end the viewer's session (the walk goes on signed in); each is tested on its own elsewhere.
SKIPPED_ACTIONS = {"/accounts/logout/"}


class Fuzzer:
    def __init__(self, client: Client, label: str, user=None, offset: int = 0):
        self.client = client
        self.label = label
        self.user = user
        self.offset = offset  # where this viewer starts the rotation of values
        self.failures: list[str] = []
        self.posted: set[tuple] = set()
        self.requests = 0

    def send(self, method: str, path: str, data=None) -> str | None:
        """Send one request inside a savepoint that is rolled back; record a 500; return the HTML of a 200."""
        self.requests += 1
        with transaction.atomic():
            response = self.client.get(path, data) if method == "get" else self.client.post(path, data)
            transaction.set_rollback(True)
        if self.user is not None and not self.client.session.session_key:
            self.client.force_login(self.user)  # a form that signed the viewer out (e.g. leaving the portal)
        if response.status_code >= 500:
            exc = getattr(response, "exc_info", None)
            cause = f"{exc[0].__name__}: {str(exc[1])[:160]}" if exc else ""
            shown = {
                key: (value[:20] + "…" if isinstance(value, str) and len(value) > 20 else value)
                for key, value in (data or {}).items()
            }
            self.failures.append(f"{self.label} {method.upper()} {path} {shown!r} -> {response.status_code} {cause}")
            return None
        if response.status_code == 200 and not response.streaming and "html" in response.get("Content-Type", ""):
            return response.content.decode(errors="replace")
        return None

    def page(self, path: str) -> None:
        html = self.send("get", path)
        forms = page_forms(html) if html else []
        query = Form(method="get", action=path, fields={name: [] for name in QUERY_NAMES})
        for form in forms:
            if form.method == "get":
                query.fields.update(form.fields)
                query.types.update(form.types)
        self.send("get", path, dict.fromkeys(query.fields, NUL))
        for rotation in range(GET_ROTATIONS if html else 1):
            self.send("get", path, rotated(query, self.offset + rotation))
        for form in forms:
            if form.method == "post":
                self.post(path, form)

    def post(self, page_path: str, form: Form) -> None:
        action = urljoin(page_path, form.action) if form.action else page_path
        parts = urlsplit(action)
        if parts.netloc or not parts.path.startswith("/") or parts.path in SKIPPED_ACTIONS:
            return
        key = (parts.path, tuple(sorted(form.fields)), tuple(sorted(form.files)))
        if key in self.posted:
            return
        self.posted.add(key)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        self.send("post", target, dict.fromkeys(set(form.fields) - {"csrfmiddlewaretoken"}, NUL))
        for rotation in range(POST_ROTATIONS):
            data = rotated(form, self.offset + rotation)
            data.update({name: upload(self.offset + rotation) for name in form.files})
            self.send("post", target, data)


def _build(community):
    built = {}

    def path_for(route: str, huge: bool = False) -> str:
        def fill(match):
            name = match.group("name")
            if name == "community_slug":
                return community.slug
            if huge and match.group("converter") in {"int", "id"}:
                return HUGE_ID
            if name not in built:
                built[name] = PARAM_BUILDERS[name](community)
            return str(built[name])

        return "/" + PARAM.sub(fill, route)

    return path_for


@pytest.fixture
def quiet_request_log():
    """Keep the thousands of expected 4xx warnings out of the log (a 500 is reported by the test itself)."""
    logging.disable(logging.ERROR)
    yield
    logging.disable(logging.NOTSET)


@pytest.mark.parametrize("viewer", VIEWERS)
def test_malformed_input_never_answers_500(viewer, private_files, quiet_request_log):
    community = CommunityFactory(slug="fuzz-cop", visibility=Community.Visibility.PUBLIC)
    client = Client(raise_request_exception=False)
    user = None
    if viewer != "anonymous":
        role = Membership.Role.COORDINATOR if viewer == "coordinator" else Membership.Role.MEMBER
        user = make_member(community, role=role)
        client.force_login(user)
    path_for = _build(community)
    fuzzer = Fuzzer(client, viewer, user, offset=VIEWERS.index(viewer) * POST_ROTATIONS)
    for route, _name in ROUTES:
        fuzzer.page(path_for(route))
        if re.search(r"<(int|id):", route):
            fuzzer.send("get", path_for(route, huge=True))
    for path in GLOBAL_PATHS:
        fuzzer.page(path)
    assert fuzzer.requests > len(ROUTES) * 3  # the walk is not vacuous
    assert not fuzzer.failures, f"{len(fuzzer.failures)} answers were 500:\n" + "\n".join(fuzzer.failures)
