"""Errors reach a Sentry-compatible server (a real local HTTP server here) without personal data."""

import gzip
import http.server
import json
import threading

import brotli
import pytest
import sentry_sdk
from django.http import HttpResponse
from django.urls import path

from cop_portal.operations import sentry
from tests.factories import UserFactory

SECRET_EMAIL = "maria.rossi@comune.example.it"


def boom(request):
    raise RuntimeError(f"could not invite {SECRET_EMAIL}")


def fine(request):
    return HttpResponse("ok")


urlpatterns = [path("boom/", boom), path("fine/", fine)]


class _Ingest(http.server.BaseHTTPRequestHandler):
    received: list[bytes] = []

    def do_POST(self):  # noqa: N802 - the standard library's name
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        elif self.headers.get("Content-Encoding") == "br":
            body = brotli.decompress(body)
        self.received.append(body)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def ingest():
    _Ingest.received = []
    server = http.server.HTTPServer(("127.0.0.1", 0), _Ingest)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    sentry.init(
        f"http://publickey@127.0.0.1:{server.server_port}/1", environment="test", release="t", traces_sample_rate=0
    )
    yield _Ingest.received
    sentry_sdk.init(dsn=None)  # stop reporting for the tests after this one
    server.shutdown()


def events(received: list[bytes]) -> list[dict]:
    found = []
    for envelope in received:
        for line in envelope.splitlines()[1:]:
            try:
                item = json.loads(line)
            except ValueError:
                continue
            if "exception" in item:
                found.append(item)
    return found


@pytest.mark.django_db
def test_an_error_in_a_page_is_reported_without_personal_data(client, ingest, settings):
    settings.ROOT_URLCONF = __name__
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False
    person = UserFactory(email=SECRET_EMAIL, full_name="Maria Rossi")
    client.force_login(person)
    client.raise_request_exception = False

    response = client.get("/boom/?email=" + SECRET_EMAIL, HTTP_X_REQUEST_ID="req-sentry-1")
    sentry_sdk.flush(timeout=5)

    assert response.status_code == 500
    reported = events(ingest)
    assert len(reported) == 1, ingest
    event = reported[0]
    assert event["exception"]["values"][0]["type"] == "RuntimeError"
    assert event["tags"]["request_id"] == "req-sentry-1"
    raw = json.dumps(event)
    assert SECRET_EMAIL not in raw
    assert "Maria Rossi" not in raw
    assert "sessionid" not in raw and "csrftoken" not in raw
    assert event.get("user", {}).keys() <= {"id"}


def test_scrub_removes_what_could_carry_personal_data():
    event = {
        "request": {
            "cookies": {"sessionid": "s"},
            "data": {"email": "x@y.org"},
            "query_string": "q=x@y.org",
            "headers": {"Authorization": "Bearer t", "User-Agent": "ua"},
            "url": "https://h/p?x@y.org",
        },
        "user": {"id": "7", "email": "x@y.org", "username": "x"},
        "logentry": {"message": "sent to %s", "params": ["x@y.org"]},
        "breadcrumbs": {"values": [{"message": "mail to x@y.org", "data": {"to": "x@y.org"}}]},
    }
    scrubbed = json.dumps(sentry.scrub(event))
    assert "x@y.org" not in scrubbed
    assert "Bearer" not in scrubbed and "sessionid" not in scrubbed
    assert '"User-Agent": "ua"' in scrubbed
