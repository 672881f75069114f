"""The open-data bundle is built in the background and stored; a download serves the stored file."""

import io
import zipfile
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communities.models import Community
from cop_portal.reports import opendata_store
from cop_portal.reports.tasks import build_all_open_data, refresh_open_data
from meetings.models import Meeting
from tests.factories import CommunityFactory
from tests.meetings.factories import MeetingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def community():
    return CommunityFactory(slug="open", visibility=Community.Visibility.PUBLIC)


def _url(community, name="reports:open_data_bundle"):
    return reverse(name, kwargs={"community_slug": community.slug})


def _meetings_csv(response) -> str:
    assert response.status_code == 200, response.status_code
    return zipfile.ZipFile(io.BytesIO(response.content)).read("public-meetings.csv").decode()


def test_a_download_serves_the_stored_bundle_without_reading_the_data(client, community):
    MeetingFactory(community=community, visibility=Meeting.Visibility.PUBLIC, title="Built in")
    opendata_store.open_data_build(community=community)
    MeetingFactory(community=community, visibility=Meeting.Visibility.PUBLIC, title="Added after the build")

    with CaptureQueriesContext(connection) as queries:
        response = client.get(_url(community))

    text = _meetings_csv(response)
    assert "Built in" in text and "Added after the build" not in text
    assert not [query for query in queries.captured_queries if "meetings_meeting" in query["sql"]]
    assert response["Content-Disposition"] == 'attachment; filename="open-open-data.zip"'
    assert f"{settings.SITE_URL.rstrip('/')}/c/open/meetings/" in text  # addresses made from SITE_URL


def test_the_page_says_when_the_bundle_was_built(client, community):
    assert "The zip file was built on" not in client.get(_url(community, "reports:open_data")).content.decode()
    opendata_store.open_data_build(community=community)
    assert "The zip file was built on" in client.get(_url(community, "reports:open_data")).content.decode()


def test_without_a_stored_bundle_one_is_built_on_demand_once(client, community):
    MeetingFactory(community=community, visibility=Meeting.Visibility.PUBLIC, title="First")
    cache.add(f"open-data-build:{community.pk}", 1, 60)  # another request is building it
    busy = client.get(_url(community))
    assert busy.status_code == 503 and busy["Retry-After"] == "60"
    cache.delete(f"open-data-build:{community.pk}")

    assert "First" in _meetings_csv(client.get(_url(community)))
    assert opendata_store.stored_bundle(community) is not None
    assert len(opendata_store._stored(community)) == 1


def test_a_rebuild_keeps_one_file(community):
    first = opendata_store.open_data_build(community=community)
    second = opendata_store.open_data_build(community=community)
    assert opendata_store._stored(community) == [second] and second.built_at > first.built_at


def test_the_refresh_rebuilds_the_communities_that_changed_through_the_outbox(
    client, community, django_capture_on_commit_callbacks
):
    quiet = CommunityFactory(slug="quiet", visibility=Community.Visibility.PUBLIC)
    hidden = CommunityFactory(slug="hidden", visibility=Community.Visibility.MEMBERS)
    opendata_store.open_data_build(community=community)
    opendata_store.open_data_build(community=quiet)
    assert opendata_store.communities_to_rebuild() == []

    meeting = MeetingFactory(community=community, visibility=Meeting.Visibility.PUBLIC, title="New meeting")
    assert opendata_store.communities_to_rebuild() == [community.pk]
    quiet_before = opendata_store.stored_bundle(quiet)
    with django_capture_on_commit_callbacks(execute=True):
        assert refresh_open_data() == 1

    assert "New meeting" in _meetings_csv(client.get(_url(community)))
    assert opendata_store.stored_bundle(quiet) == quiet_before
    assert opendata_store.stored_bundle(hidden) is None and opendata_store.open_data_build(community=hidden) is None
    Meeting.objects.filter(pk=meeting.pk).update(updated_at=meeting.updated_at - timedelta(days=1))
    assert opendata_store.communities_to_rebuild() == []


def test_the_nightly_build_rebuilds_every_public_community(community, django_capture_on_commit_callbacks):
    CommunityFactory(slug="hidden", visibility=Community.Visibility.MEMBERS)
    with django_capture_on_commit_callbacks(execute=True):
        assert build_all_open_data() == Community.objects.filter(visibility=Community.Visibility.PUBLIC).count()
    assert opendata_store.stored_bundle(community) is not None


def test_beat_schedules_the_refresh_and_the_nightly_build():
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"reports.refresh_open_data", "reports.build_all_open_data"} <= tasks
