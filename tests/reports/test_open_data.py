"""Open data: public meetings, public knowledge metadata and partners as CSV and JSON, a README and a zip bundle."""

import csv
import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from communities.models import Community, PartnerRole, Partnership
from cop_portal.reports import opendata_store
from cop_portal.reports.opendata import datasets
from knowledge.models import KnowledgeItem
from knowledge.services import item_create
from tests.factories import GroupFactory, OrganizationFactory, UserFactory, make_member
from tests.meetings.factories import MeetingFactory

FILES = [(dataset, fmt) for dataset in ("public-meetings", "public-knowledge", "partners") for fmt in ("csv", "json")]


def file_url(community, dataset, fmt):
    return reverse(
        "reports:open_data_file", kwargs={"community_slug": community.slug, "dataset": dataset, "file_format": fmt}
    )


def page_url(community, name="reports:open_data"):
    return reverse(name, kwargs={"community_slug": community.slug})


def rows(response):
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))


@pytest.fixture
def published(cop):
    """A public community with public and members-only meetings and items, drafts, and partners."""
    author = make_member(cop, UserFactory(full_name="Ada Author"))
    group = GroupFactory(community=cop, name="Team")
    MeetingFactory(community=cop, title="Open webinar", visibility="public", group=group, city="Bologna", country="IT")
    MeetingFactory(community=cop, title="Board behind doors", visibility="members")
    public = item_create(
        community=cop,
        by=author,
        kind=KnowledgeItem.Kind.GOOD_PRACTICE,
        title="A practice for all",
        body="The body is not open data.",
        visibility=KnowledgeItem.Visibility.PUBLIC,
        themes=["rigenerazione"],
        licence="cc-by-4.0",
        language="it",
        publish=True,
    )
    item_create(
        community=cop,
        by=author,
        kind=KnowledgeItem.Kind.LESSON,
        title="Members' lesson",
        visibility=KnowledgeItem.Visibility.COMMUNITY,
        publish=True,
    )
    item_create(
        community=cop,
        by=author,
        kind=KnowledgeItem.Kind.LESSON,
        title="Public draft",
        visibility=KnowledgeItem.Visibility.PUBLIC,
    )
    item_create(
        community=cop,
        by=author,
        kind=KnowledgeItem.Kind.LESSON,
        title="Group note",
        visibility=KnowledgeItem.Visibility.GROUP,
        group=group,
        publish=True,
    )
    role = PartnerRole.objects.create(community=cop, name="Partner city")
    Partnership.objects.create(
        community=cop, organization=OrganizationFactory(name="Comune di Modena", country="IT"), role=role
    )
    return public


def test_public_files_hold_public_rows_and_never_members_only_ones(client, cop, published, settings):
    settings.SITE_URL = "https://portal.example.org"  # the files are the stored bundle's: addresses from SITE_URL
    meetings = rows(client.get(file_url(cop, "public-meetings", "csv")))
    assert [row["title"] for row in meetings] == ["Open webinar"]
    assert meetings[0]["group"] == "Team" and meetings[0]["country"] == "IT" and meetings[0]["kind"] == "webinar"
    assert meetings[0]["url"].endswith(f"/c/cop/meetings/{published.community.meetings.get(title='Open webinar').pk}/")
    assert "meet.example.org" not in client.get(file_url(cop, "public-meetings", "json")).content.decode()

    knowledge = rows(client.get(file_url(cop, "public-knowledge", "csv")))
    assert knowledge == [
        {
            "id": str(published.pk),
            "title": "A practice for all",
            "kind": "good_practice",
            "language": "it",
            "themes": "rigenerazione",
            "published": published.published_at.date().isoformat(),
            "licence": "cc-by-4.0",
            "url": f"https://portal.example.org{published.get_absolute_url()}",
        }
    ]
    partners = rows(client.get(file_url(cop, "partners", "csv")))
    assert [(row["organisation"], row["role"], row["country"]) for row in partners] == [
        ("Comune di Modena", "Partner city", "IT")
    ]
    everything = b"".join(client.get(file_url(cop, dataset, fmt)).content for dataset, fmt in FILES).decode()
    for hidden in ("Board behind doors", "Members' lesson", "Public draft", "Group note", "not open data"):
        assert hidden not in everything


def test_json_files_carry_their_fields_and_the_same_records(client, cop, published):
    document = client.get(file_url(cop, "public-knowledge", "json")).json()
    assert document["community"] == "cop" and document["dataset"] == "public-knowledge"
    assert [field["name"] for field in document["fields"]] == [
        "id",
        "title",
        "kind",
        "language",
        "themes",
        "published",
        "licence",
        "url",
    ]
    assert [record["title"] for record in document["records"]] == ["A practice for all"]
    csv_titles = [row["title"] for row in rows(client.get(file_url(cop, "public-knowledge", "csv")))]
    assert csv_titles == [record["title"] for record in document["records"]]


def test_the_readme_describes_every_field_of_every_file(client, cop, published):
    response = client.get(page_url(cop, "reports:open_data_readme"))
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    for dataset in datasets().values():
        assert f"== {dataset.slug}.csv / {dataset.slug}.json" in text
        for field in dataset.fields:
            assert f"- {field.name}: {field.description}" in text
    for dataset, fmt in FILES:
        header = client.get(file_url(cop, dataset, fmt))
        if fmt == "csv":
            names = next(csv.reader(io.StringIO(header.content.decode())))
            assert names == [field.name for field in datasets()[dataset].fields]


def test_the_bundle_zips_the_readme_and_every_file(client, cop, published):
    response = client.get(page_url(cop, "reports:open_data_bundle"))
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="cop-open-data.zip"'
    bundle = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(bundle.namelist()) == sorted(["README.txt", *[f"{dataset}.{fmt}" for dataset, fmt in FILES]])
    meetings = json.loads(bundle.read("public-meetings.json"))
    assert [record["title"] for record in meetings["records"]] == ["Open webinar"]
    assert b"Board behind doors" not in b"".join(bundle.read(name) for name in bundle.namelist())


def test_the_open_data_page_lists_the_files_and_their_fields(client, cop, published):
    html = client.get(page_url(cop)).content.decode()
    assert "Open data of <bdi>Report CoP</bdi>" in html
    for dataset, fmt in FILES:
        assert f'href="{file_url(cop, dataset, fmt)}"' in html
    assert "<code>licence</code>" in html


def test_a_members_only_community_publishes_nothing(client, members_only):
    member = make_member(members_only)
    MeetingFactory(community=members_only, title="Public-looking meeting", visibility="public")
    role = PartnerRole.objects.create(community=members_only, name="Funded project")
    Partnership.objects.create(
        community=members_only, organization=OrganizationFactory(name="Hidden partner"), role=role
    )
    # Outsiders: nothing, not even that the files exist.
    client.force_login(UserFactory())
    for dataset, fmt in FILES:
        assert client.get(file_url(members_only, dataset, fmt)).status_code == 404
    assert client.get(page_url(members_only)).status_code == 404
    client.logout()
    assert client.get(page_url(members_only, "reports:open_data_bundle")).status_code == 302
    # Members: the page says why there is nothing; the files lead back to it.
    client.force_login(member)
    page = client.get(page_url(members_only))
    assert page.status_code == 200 and b"publishes no open data" in page.content
    for dataset, fmt in FILES:
        response = client.get(file_url(members_only, dataset, fmt))
        assert response.status_code == 302 and response["Location"] == page_url(members_only)
        assert b"Hidden partner" not in response.content


def test_a_members_only_communitys_rows_never_reach_another_communitys_files(client, cop, members_only, published):
    MeetingFactory(community=members_only, title="Elsewhere", visibility="public")
    text = b"".join(client.get(file_url(cop, dataset, fmt)).content for dataset, fmt in FILES)
    assert b"Elsewhere" not in text


def test_open_data_files_are_read_from_the_stored_bundle_with_a_fixed_number_of_queries(client, cop, published):
    def count(dataset):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(file_url(cop, dataset, "json"))
        assert response.status_code == 200
        return len(queries)

    opendata_store.open_data_build(community=cop)
    before = {dataset: count(dataset) for dataset in ("public-meetings", "public-knowledge", "partners")}
    author = make_member(cop)
    role = PartnerRole.objects.get(community=cop)
    for index in range(8):
        start = timezone.now() + timedelta(days=index + 1)
        MeetingFactory(community=cop, visibility="public", start=start, end=start + timedelta(hours=1)).themes.set(
            [f"t{index}"]
        )
        item_create(
            community=cop,
            by=author,
            kind="lesson",
            title=f"Lesson {index}",
            visibility="public",
            themes=[f"t{index}"],
            publish=True,
        )
        Partnership.objects.create(community=cop, organization=OrganizationFactory(), role=role)
    assert "Lesson 0" not in client.get(file_url(cop, "public-knowledge", "csv")).content.decode(), (
        "the file is the stored bundle's, until the background build"
    )
    opendata_store.open_data_build(community=cop)  # what reports.refresh_open_data queues
    assert "Lesson 0" in client.get(file_url(cop, "public-knowledge", "csv")).content.decode()
    assert {dataset: count(dataset) for dataset in before} == before
    assert max(before.values()) <= 3, "session, user and community at most: nothing is read to build the file"


def test_a_hidden_community_answers_404_to_outsiders(client, db):
    from tests.factories import CommunityFactory

    hidden = CommunityFactory(slug="hidden", visibility=Community.Visibility.HIDDEN)
    client.force_login(UserFactory())
    assert client.get(page_url(hidden)).status_code == 404
