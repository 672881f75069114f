"""Benchmark: time each key page under gunicorn (production profile) against a trivial Django page.

Not a test. It reads whatever data the database holds (the demo, plus `seed_scale` for scale):

    .venv/bin/python manage.py seed_scale --scale 0.1
    .venv/bin/python benchmarks/pages.py            # --requests 30 --workers 2 --clients 1 --port 8765

For each page and viewer (visitor, member.rebuild@cop.demo, coordinator.rebuild@cop.demo) it prints
the queries of one request (Django's test client with CaptureQueriesContext, apart from the timing),
then p50 and p95 of --requests requests over HTTP to gunicorn (--clients at once), and the ratio of
the p50 to the floor's: a trivial template view served by the same gunicorn, same settings and
middleware (benchmarks/urls.py, only in benchmarks/settings.py). Signed-in requests carry a session
cookie made directly with SessionStore; visitors carry the time zone cookie their browser sets
(cop_tz). Static files are collected into a temporary directory.

The main pass runs with the visitors' page cache off (ANONYMOUS_CACHE_SECONDS=0), so every row is a
page rendered for its request. A second pass ("visitor, copy") serves the cached public pages to
visitors with the cache on, as production does: after the first request each is a stored copy.
"""

from __future__ import annotations

import argparse
import http.client
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(64))
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")
os.environ.setdefault("STATIC_ROOT", tempfile.mkdtemp(prefix="cop-bench-static-"))
# The benchmark measures pages, not the API's rate limits: raised for its many requests, in this process (the
# query counts, by the test client) as in gunicorn's. Several runs within the hour exhausted the anonymous
# limit of the counting pass, and the API rows answered 429.
RATES = {f"API_RATE_{kind}": "1000000/hour" for kind in ("TOKEN", "USER", "ANON")}
os.environ.update(RATES)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.auth.models import AnonymousUser  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.urls import resolve  # noqa: E402
from django.utils import timezone  # noqa: E402

from communities.models import Community, Group  # noqa: E402
from discussions.models import Thread  # noqa: E402
from knowledge.models import KnowledgeItem  # noqa: E402
from meetings.models import Meeting  # noqa: E402
from members.models import User  # noqa: E402
from members.sessions import SessionStore  # noqa: E402

MEMBER = "member.rebuild@cop.demo"
COORDINATOR = "coordinator.rebuild@cop.demo"
SELECTIVE, COMMON = "saffron", "community"  # see cop_portal/scale/words.py: RARE_WORDS and COMMON_WORDS


def pages() -> list[tuple[str, str, str]]:
    """Return (page, viewer, url) for every key page, with objects picked from the data present."""
    community = Community.objects.get(slug="rebuild")
    base = community.get_absolute_url()
    public = {"community": community}
    # Objects a visitor may see (visible_to), so every viewer's request answers 200: an item marked
    # public inside a private group is hidden from visitors, and would measure a 404.
    visitor = AnonymousUser()
    meeting = Meeting.objects.visible_to(visitor).filter(**public).order_by("-start").first()
    item = (
        KnowledgeItem.objects.visible_to(visitor)
        .filter(**public, published_at__lte=timezone.now())
        .order_by("-published_at")
        .first()
    )
    group = Group.objects.filter(**public, visibility=Group.Visibility.PUBLIC).order_by("pk").first()
    thread = Thread.objects.filter(**public, group__isnull=True).order_by("-last_post_at").first()
    everyone = ("visitor", "member", "coordinator")
    rows = [("floor", viewer, "/__floor__/") for viewer in everyone]
    rows += [("directory", viewer, "/") for viewer in everyone]
    rows += [("community home", viewer, base) for viewer in everyone]
    rows += [("meeting list", viewer, f"{base}meetings/") for viewer in everyone]
    if meeting:
        rows += [("meeting detail", viewer, meeting.get_absolute_url()) for viewer in everyone]
    rows += [("knowledge list", viewer, f"{base}knowledge/") for viewer in everyone]
    if item:
        rows += [("knowledge item", viewer, item.get_absolute_url()) for viewer in everyone]
    rows += [("/me/", viewer, "/me/") for viewer in ("member", "coordinator")]
    if group:
        rows += [("group page", viewer, group.get_absolute_url()) for viewer in everyone]
        rows += [("group members", viewer, f"{group.get_absolute_url()}members/") for viewer in everyone]
    rows += [("groups page", viewer, f"{base}groups/") for viewer in everyone]
    rows += [("discussions list", viewer, f"{base}discussions/") for viewer in ("member", "coordinator")]
    if thread:
        rows += [("discussion thread", viewer, thread.get_absolute_url()) for viewer in ("member", "coordinator")]
    rows += [("console", "coordinator", f"{base}manage/")]
    rows += [("search selective", viewer, f"/search/?q={SELECTIVE}") for viewer in ("visitor", "member")]
    rows += [("search common", viewer, f"/search/?q={COMMON}") for viewer in ("visitor", "member")]
    rows += [("reports", "coordinator", f"{base}reports/")]
    # The API (issue 18): the tokens page, and the lists an integration reads most (with the session here).
    rows += [("API tokens", viewer, "/me/api-tokens/") for viewer in ("member", "coordinator")]
    rows += [("API meetings", viewer, f"/api/v1/communities/{community.slug}/meetings/") for viewer in everyone]
    rows += [("API knowledge", viewer, f"/api/v1/communities/{community.slug}/knowledge/") for viewer in everyone]
    return rows


def session_cookie(user: User) -> str:
    """Return a session key signed in as user, made the way django.contrib.auth.login stores one."""
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def count_queries(url: str, user: User | None, cache_seconds: int = 0) -> tuple[int, int]:
    with override_settings(ANONYMOUS_CACHE_SECONDS=cache_seconds):
        client = Client()
        if user:
            client.force_login(user)
        client.get(url)  # warm the process (content types, templates), as a running server is
        if cache_seconds:
            client.get(url)  # a visitor's copy is stored at the second request
        with CaptureQueriesContext(connection) as context:
            response = client.get(url)
    return response.status_code, len(context.captured_queries)


def cached_for_visitors(url: str) -> bool:
    return resolve(url.split("?")[0]).view_name in settings.ANONYMOUS_CACHE_VIEWS


def fetch(port: int, url: str, cookie: str | None) -> float:
    headers = {"Host": "127.0.0.1", "X-Forwarded-Proto": "https"}
    if cookie:
        headers["Cookie"] = f"{settings.SESSION_COOKIE_NAME}={cookie}"
    else:
        headers["Cookie"] = "cop_tz=Europe/Rome"  # what static/js/portal.js sets in a visitor's browser
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.request("GET", url, headers=headers)
    response = conn.getresponse()
    response.read()
    conn.close()
    elapsed = (time.perf_counter() - started) * 1000
    if response.status != 200:
        raise RuntimeError(f"{url} answered {response.status}")
    return elapsed


def timings(port: int, url: str, cookie: str | None, requests: int, clients: int) -> list[float]:
    fetch(port, url, cookie)  # warm-up requests, not counted (a visitor's copy is stored at the second)
    fetch(port, url, cookie)
    with ThreadPoolExecutor(clients) as pool:
        return sorted(pool.map(lambda _n: fetch(port, url, cookie), range(requests)))


def percentile(values: list[float], share: float) -> float:
    return values[min(len(values) - 1, round(share * (len(values) - 1)))]


def serve(port: int, workers: int, cache_seconds: int, python: str = sys.executable) -> subprocess.Popen:
    env = {**os.environ, **RATES, "PYTHONPATH": str(ROOT), "ANONYMOUS_CACHE_SECONDS": str(cache_seconds)}
    process = subprocess.Popen(  # noqa: S603 - a fixed command line, our own gunicorn
        [python, "-m", "gunicorn", "cop_portal.wsgi", "-w", str(workers), "-b", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _attempt in range(100):
        try:
            fetch(port, "/__floor__/", None)
            return process
        except (OSError, RuntimeError):
            time.sleep(0.2)
    process.terminate()
    raise SystemExit("gunicorn did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=1)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--only", nargs="*", default=[], help="page names to run (the floor always runs)")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown for the README")
    parser.add_argument("--no-copies", action="store_true", help="skip the pass with the visitors' page cache on")
    parser.add_argument(
        "--python",
        default=sys.executable,
        help="the interpreter gunicorn is served with, from a virtualenv with the lock file installed "
        "(default: this one); see the README for an optimised build beside a development one",
    )
    args = parser.parse_args()
    users = {
        "visitor": None,
        "member": User.objects.get(email=MEMBER),
        "coordinator": User.objects.get(email=COORDINATOR),
    }
    cookies = {name: session_cookie(user) if user else None for name, user in users.items()}
    rows = [row for row in pages() if not args.only or row[0] in {"floor", *args.only}]
    print(
        f"{KnowledgeItem.objects.count():,} items, {Meeting.objects.count():,} meetings, "
        f"{User.objects.count():,} people, {Community.objects.count()} communities; "
        f"gunicorn {args.workers} workers on {args.python}, {args.clients} client(s), "
        f"{args.requests} requests per page; "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the start"
    )
    call_command("collectstatic", interactive=False, verbosity=0)  # the manifest storage needs it
    queries = {(page, viewer): count_queries(url, users[viewer]) for page, viewer, url in rows}
    copies = [
        (page, "visitor, copy", url) for page, viewer, url in rows if viewer == "visitor" and cached_for_visitors(url)
    ]
    if args.no_copies:
        copies = []
    queries |= {(page, viewer): count_queries(url, None, cache_seconds=60) for page, viewer, url in copies}
    cookies["visitor, copy"] = None
    if args.markdown:
        print("| page | viewer | queries | p50 ms | p95 ms | × floor |\n|---|---|---:|---:|---:|---:|")
    else:
        print(f"{'page':<20}{'viewer':<15}{'queries':>8}{'p50 ms':>10}{'p95 ms':>10}{'× floor':>9}")
    floor = {}
    for cache_seconds, measured in ((0, rows), (60, copies)):
        if not measured:
            continue
        process = serve(args.port, args.workers, cache_seconds, args.python)
        try:
            floor["visitor, copy"] = statistics.median(timings(args.port, "/__floor__/", None, args.requests, 1))
            for page, viewer, url in measured:
                status, count = queries[(page, viewer)]
                if status != 200:
                    print(f"{page:<20}{viewer:<15}{'HTTP ' + str(status):>8}")
                    continue
                values = timings(args.port, url, cookies[viewer], args.requests, args.clients)
                p50, p95 = statistics.median(values), percentile(values, 0.95)
                if page == "floor":
                    floor[viewer] = p50
                ratio = p50 / floor[viewer] if floor.get(viewer) else 0
                if args.markdown:
                    print(f"| {page} | {viewer} | {count} | {p50:,.1f} | {p95:,.1f} | {ratio:.1f} |")
                else:
                    print(f"{page:<20}{viewer:<15}{count:>8}{p50:>10.1f}{p95:>10.1f}{ratio:>9.1f}")
        finally:
            process.terminate()
            process.wait(timeout=30)
    print(f"load average {os.getloadavg()[0]:.1f} at the end")
    SessionStore().clear_expired()


if __name__ == "__main__":
    main()
