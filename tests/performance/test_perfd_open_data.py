"""The open-data bundle reads each dataset once and the themes in one query, whatever the number of rows."""

import io
import zipfile

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communities.models import Community
from cop_portal.reports import opendata_store
from knowledge.models import KnowledgeItem
from knowledge.services import item_create
from meetings.models import Meeting
from tests.factories import CommunityFactory, make_member
from tests.meetings.factories import MeetingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def community():
    return CommunityFactory(slug="open", visibility=Community.Visibility.PUBLIC)


def _add(community, count: int) -> None:
    author = make_member(community)
    for n in range(count):
        meeting = MeetingFactory(community=community, visibility=Meeting.Visibility.PUBLIC, title=f"Meeting {n}")
        meeting.themes.add(f"Water {n % 3}", "Energy")
        item_create(
            community=community,
            by=author,
            kind=KnowledgeItem.Kind.LESSON,
            title=f"Lesson {n}",
            visibility=KnowledgeItem.Visibility.PUBLIC,
            themes=["Energy", f"Roads {n % 2}"],
            publish=True,
        )


def _bundle(client, community) -> tuple[int, dict[str, str]]:
    # The bundle is built in the background (cop_portal/reports/opendata_store.py): count the build's queries.
    with CaptureQueriesContext(connection) as queries:
        opendata_store.open_data_build(community=community)
    response = client.get(reverse("reports:open_data_bundle", kwargs={"community_slug": community.slug}))
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    return len(queries), {name: archive.read(name).decode() for name in archive.namelist()}


def test_the_bundle_runs_as_many_queries_for_2_or_12_rows_and_lists_every_theme(client, community):
    _add(community, 2)
    client.get(reverse("reports:open_data_bundle", kwargs={"community_slug": community.slug}))
    few, _files = _bundle(client, community)
    _add(community, 10)

    many, files = _bundle(client, community)

    assert many == few
    assert files["public-meetings.csv"].count("Energy; Water") == 12
    assert files["public-knowledge.csv"].count("Energy; Roads") == 12
