"""Issue 15: report tables are counted in the background and kept; services mark them stale; beat counts again.

A small community is counted in the request when nothing (or something stale) is kept. The
`large` fixture makes every community count as large, as REBUILD is at network scale: then no
request counts, it queues the count (members.outbox) and the page says so.
"""

import csv
import io
import time
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from communities.reporting import reports_changed_at
from cop_portal.reports import store, tasks
from cop_portal.reports.periods import preset_period
from cop_portal.reports.selectors import Report
from cop_portal.reports.tables import shared_queries
from knowledge.services import item_create
from members import outbox
from members.models import OutboxMessage
from tests.factories import UserFactory, make_member
from tests.meetings.factories import MeetingFactory
from tests.notifications.test_outbox import celery_broker
from tests.processes import free_port


def url(community, name="reports:index"):
    return reverse(name, kwargs={"community_slug": community.slug})


def _held_meeting(community):
    past = timezone.now() - timedelta(days=3)
    return MeetingFactory(community=community, start=past, end=past + timedelta(hours=1))


def figure(client, community, label="Knowledge items published"):
    response = client.get(url(community) + "?preset=all&format=csv&table=activity")
    assert response.status_code == 200, response.status_code
    rows = {row[0]: row[1] for row in csv.reader(io.StringIO(response.content.decode().lstrip("\ufeff")))}
    return rows[label]


def publish(community, author, title):
    return item_create(community=community, by=author, kind="lesson", title=title, visibility="public", publish=True)


@pytest.fixture
def large(monkeypatch):
    """Every community is too large to count in a request (as REBUILD at network scale)."""
    monkeypatch.setattr(store, "CHEAP_MEETINGS", -1)


def test_a_small_community_is_counted_in_the_request_and_the_page_says_how_long_ago(client, cop, coordinator):
    client.force_login(coordinator)
    _held_meeting(cop)
    page = client.get(url(cop) + "?preset=all").content.decode()
    assert "Figures counted 0\xa0minutes ago" in page and "Count again now" in page
    assert "being counted in the background" not in page
    csv_before = client.get(url(cop) + "?preset=all&format=csv&table=meetings-by-kind").content

    _held_meeting(cop)  # a write no service noted: the kept tables do not know about it
    assert client.get(url(cop) + "?preset=all&format=csv&table=meetings-by-kind").content == csv_before

    response = client.post(reverse("reports:recount", kwargs={"community_slug": cop.slug}), {"preset": "all"})
    assert response.status_code == 302 and response["Location"].endswith("?preset=all")
    assert client.get(url(cop) + "?preset=all&format=csv&table=meetings-by-kind").content != csv_before


def test_only_coordinators_may_count_again_and_only_by_post(client, cop, coordinator):
    recount = reverse("reports:recount", kwargs={"community_slug": cop.slug})
    client.force_login(make_member(cop, UserFactory()))
    assert client.post(recount).status_code == 404
    client.force_login(coordinator)
    assert client.get(recount).status_code == 405


def test_a_service_change_marks_the_report_stale_after_commit_and_a_small_one_is_counted_again_on_view(
    client, cop, coordinator, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    assert figure(client, cop) == "0"
    assert reports_changed_at(cop.pk) is None
    with django_capture_on_commit_callbacks(execute=True):
        publish(cop, coordinator, "A lesson")
    assert reports_changed_at(cop.pk) is not None
    assert figure(client, cop) == "1"


def test_a_rolled_back_change_marks_nothing(cop, coordinator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        publish(cop, coordinator, "Never published")
        raise RuntimeError("the request failed after the write")
    assert reports_changed_at(cop.pk) is None


def test_a_large_community_is_never_counted_in_a_request_the_beat_counts_it_and_again_after_a_change(
    client, cop, coordinator, large, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    _held_meeting(cop)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url(cop) + "?preset=all")
    assert page.status_code == 200
    text = page.content.decode()
    assert "being counted in the background" in text and "Check again" in text
    assert not any("meetings_meeting" in query["sql"] and "COUNT" in query["sql"] for query in queries.captured_queries)
    assert OutboxMessage.objects.filter(task_name="reports.count_report", state="pending").count() == 1
    # Downloads of a period being counted answer at once too: back to the page, which says so.
    assert client.get(url(cop) + "?preset=all&format=xlsx").status_code == 302
    assert client.get(url(cop, "reports:print") + "?preset=all").status_code == 302

    assert (cop.pk, "all") in [due[:2] for due in store.communities_to_count()]
    with django_capture_on_commit_callbacks(execute=True):  # beat: the tasks run eagerly here
        assert tasks.refresh_reports() >= 3
    assert (cop.pk, "all") not in [due[:2] for due in store.communities_to_count()]
    assert figure(client, cop, "Meetings held") == "1"

    with django_capture_on_commit_callbacks(execute=True):
        publish(cop, coordinator, "A lesson")
    assert {preset for community_id, preset, _changed in store.communities_to_count() if community_id == cop.pk} == {
        "all",
        "this-year",
        "last-year",
    }
    page = client.get(url(cop) + "?preset=all").content.decode()
    assert "Changes made since then are being counted" in page
    assert figure(client, cop) == "0", "a large community shows the kept figures until the beat counts again"

    with django_capture_on_commit_callbacks(execute=True):
        tasks.refresh_reports()
    assert figure(client, cop) == "1"
    assert "Changes made since then" not in client.get(url(cop) + "?preset=all").content.decode()


def test_count_again_of_a_large_community_queues_the_count_once(
    client, cop, coordinator, large, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.refresh_reports()
    queued = OutboxMessage.objects.filter(task_name="reports.count_report").count()
    recount = reverse("reports:recount", kwargs={"community_slug": cop.slug})
    for _ in range(2):
        response = client.post(recount, {"preset": "last-year"}, follow=True)
    page = response.content.decode()
    assert "being counted again" in page and "Changes made since then are being counted" in page
    assert OutboxMessage.objects.filter(task_name="reports.count_report").count() == queued + 1


def test_with_the_broker_down_the_page_answers_at_once_and_the_dispatcher_counts_later(
    client, cop, coordinator, large, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    with celery_broker(f"redis://127.0.0.1:{free_port()}/0"), django_capture_on_commit_callbacks(execute=True):
        started = time.monotonic()
        page = client.get(url(cop) + "?preset=all")
        took = time.monotonic() - started
    assert page.status_code == 200 and took < 2
    row = OutboxMessage.objects.get(task_name="reports.count_report")
    assert row.state == OutboxMessage.State.PENDING and "OperationalError" in row.last_error

    assert outbox.dispatch(now=timezone.now() + timedelta(minutes=1)) == 1  # eager again: it counts here
    assert "Figures counted" in client.get(url(cop) + "?preset=all").content.decode()


def test_the_background_count_asks_the_database_once_for_every_language(cop, coordinator, settings):
    _held_meeting(cop)
    period = preset_period("all")
    with CaptureQueriesContext(connection) as one_language, shared_queries():
        Report(community=cop, period=period, now=timezone.now()).tables()
    with CaptureQueriesContext(connection) as every_language:
        store.count_report(community=cop, period=period)
    assert len(settings.LANGUAGES) == 3
    assert len(every_language) == len(one_language)
    from django.core.cache import cache

    for language in ("en", "it", "ar"):
        assert cache.get(f"reports:tables:{cop.pk}:all-time:{language}") is not None


def test_the_pdf_of_a_large_report_is_made_in_the_background_and_served_when_ready(
    client, cop, coordinator, large, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.refresh_reports()
    pdf_url = url(cop, "reports:pdf") + "?preset=all"
    waiting = client.get(pdf_url)
    assert waiting.status_code == 202 and waiting["Retry-After"] == "10"
    assert "The PDF is being prepared" in waiting.content.decode()
    assert OutboxMessage.objects.filter(task_name="reports.build_report_pdf").count() == 1

    assert client.get(pdf_url).status_code == 202  # the same file: queued once
    assert OutboxMessage.objects.filter(task_name="reports.build_report_pdf").count() == 1
    assert outbox.dispatch(now=timezone.now() + timedelta(minutes=1)) == 1  # a worker makes it (eager here)
    ready = client.get(pdf_url)
    assert ready.status_code == 200 and ready["Content-Type"] == "application/pdf"
    assert ready.content.startswith(b"%PDF")


def test_the_page_pastes_the_sections_rendered_by_the_count(client, cop, coordinator):
    from django.core.cache import cache

    client.force_login(coordinator)
    _held_meeting(cop)
    assert 'data-table-id="meetings-by-kind"' in client.get(url(cop) + "?preset=all").content.decode()
    key = f"reports:tables:{cop.pk}:all-time:en"
    tables, counted_at, _html = cache.get(key)
    cache.set(key, (tables, counted_at, "<p>sections as the count rendered them</p>"))
    page = client.get(url(cop) + "?preset=all").content.decode()
    assert "<p>sections as the count rendered them</p>" in page
    assert 'data-table-id="meetings-by-kind"' not in page, "no table is rendered in the request"
