"""Issue 14 item 10 (and item 4's CSV part): no silent truncation, no theme floods, strict CSV, no NUL in imports."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from communities.importing import import_people
from communities.models import Membership
from communities.onboarding import plan_invitations
from communities.services import CommunityPageError, GroupError, community_update, group_create
from communities.theme_names import MAX_THEMES
from knowledge.models import KnowledgeItem
from knowledge.services import item_create, item_update
from meetings.models import Meeting
from meetings.services import meeting_schedule
from members.models import User
from tests.factories import CommunityFactory, UserFactory, make_member

pytestmark = pytest.mark.django_db

FLOOD = [f"theme {n}" for n in range(2000)]


@pytest.fixture
def cop():
    return CommunityFactory(slug="flood-cop", name="Flood CoP")


@pytest.fixture
def coordinator(cop):
    return make_member(cop, UserFactory(full_name="Cora Coordinator"), role=Membership.Role.COORDINATOR)


# --- Knowledge bodies: refused, never cut ------------------------------------------------------------


def test_a_body_over_200000_characters_is_refused_not_cut(cop, coordinator):
    with pytest.raises(ValidationError) as error:
        item_create(community=cop, by=coordinator, kind="lesson", title="Long", body="x" * 200_001)

    assert "the limit is 200000" in " ".join(error.value.message_dict["body"])
    assert not KnowledgeItem.objects.exists()


def test_a_body_of_exactly_200000_characters_is_kept_whole(cop, coordinator):
    item = item_create(community=cop, by=coordinator, kind="lesson", title="Long", body="x" * 200_000)

    with pytest.raises(ValidationError):
        item_update(item=item, by=coordinator, body="y" * 200_001)
    item.refresh_from_db()
    assert len(item.body) == 200_000 and item.body[0] == "x"


def test_the_share_form_refuses_an_over_long_body_with_a_form_error(client, cop, coordinator):
    client.force_login(coordinator)
    url = reverse("knowledge:item_create", kwargs={"community_slug": cop.slug})
    data = {"kind": "lesson", "title": "Long", "body": "x" * 200_001, "language": "en", "visibility": "community"}

    response = client.post(url, data)

    assert response.status_code == 200
    assert not KnowledgeItem.objects.exists()


# --- Themes: capped on every path --------------------------------------------------------------------


def test_an_item_with_2000_themes_is_refused(cop, coordinator):
    with pytest.raises(ValidationError) as error:
        item_create(community=cop, by=coordinator, kind="lesson", title="Flood", themes=FLOOD)

    assert f"List at most {MAX_THEMES} themes." in error.value.message_dict["themes"]
    assert not KnowledgeItem.objects.exists()


def test_an_item_update_with_2000_themes_changes_nothing(cop, coordinator):
    item = item_create(community=cop, by=coordinator, kind="lesson", title="Calm", themes=["water"])

    with pytest.raises(ValidationError):
        item_update(item=item, by=coordinator, themes=FLOOD)
    assert list(item.themes.names()) == ["water"]


def test_the_maximum_number_of_themes_is_accepted(cop, coordinator):
    names = [f"theme {n}" for n in range(MAX_THEMES)]

    item = item_create(community=cop, by=coordinator, kind="lesson", title="Full", themes=names)

    assert sorted(item.themes.names()) == sorted(names)


def test_a_meeting_with_2000_themes_is_refused(cop, coordinator):
    start = timezone.now() + timedelta(days=3)
    with pytest.raises(ValidationError) as error:
        meeting_schedule(
            community=cop, by=coordinator, title="Flood", start=start, end=start + timedelta(hours=1), themes=FLOOD
        )

    assert "themes" in error.value.message_dict
    assert not Meeting.objects.exists()


def test_a_group_with_2000_themes_is_refused(cop, coordinator):
    with pytest.raises(GroupError) as error:
        group_create(community=cop, by=coordinator, name="Flooded", themes=FLOOD)

    assert "themes" in error.value.message_dict
    assert not cop.groups.exists()


def test_a_community_page_with_2000_themes_is_refused(cop, coordinator):
    with pytest.raises(CommunityPageError):
        community_update(community=cop, by=coordinator, themes=FLOOD)

    assert list(cop.themes.names()) == []


# --- CSV: strict parsing, NUL bytes and lengths ------------------------------------------------------

HEADER = "email,full_name,community"


def test_an_unclosed_quote_refuses_the_whole_import_with_its_line(cop):
    text = "\n".join([HEADER, "ann@example.org,Ann,flood-cop", '"bob@example.org,Bob,flood-cop', "cy@example.org,Cy"])

    report = import_people(text, dry_run=False)

    assert [error.line for error in report.errors] == [3]
    assert "cannot be read as CSV" in str(report.errors[0])
    assert not User.objects.filter(email__in=["ann@example.org", "bob@example.org"]).exists()


def test_text_after_a_closing_quote_refuses_the_import(cop):
    text = "\n".join([HEADER, '"ann@example.org"x,Ann,flood-cop'])

    report = import_people(text, dry_run=False)

    assert [error.line for error in report.errors] == [2]
    assert not User.objects.filter(email__startswith="ann").exists()


def test_nul_bytes_and_over_long_values_get_a_row_error_and_import_nothing(cop):
    text = "\n".join(
        [
            "email,full_name,community,organisation,organisation_kind,organisation_country,organisation_city",
            "ann@example.org,Ann\x00Nul,flood-cop,,,,",
            f"bob@example.org,Bob,flood-cop,Big Org,ngo,IT,{'N' * 500}",
            "cy@example.org,Cy,flood-cop,,,,",
        ]
    )

    report = import_people(text, dry_run=False)

    messages = [str(error) for error in report.errors]
    assert messages == [
        "Line 2: full_name holds a NUL character: is this a text file?",
        "Line 3: organisation_city is longer than 120 characters.",
    ]
    assert (
        not User.objects.filter(email__endswith="@example.org", memberships__community=cop)
        .exclude(pk__in=Membership.objects.filter(community=cop, role=Membership.Role.COORDINATOR).values("user"))
        .exists()
    )


def test_the_admin_import_page_answers_a_nul_file_with_row_errors_not_a_500(client, cop):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    upload = SimpleUploadedFile("people.csv", f"{HEADER}\nann@example.org,Ann\x00,flood-cop\n".encode(), "text/csv")

    response = client.post(reverse("admin:communities_membership_import"), {"file": upload})

    assert response.status_code in (200, 400)
    assert not User.objects.filter(email="ann@example.org").exists()


def test_the_onboarding_csv_with_an_unclosed_quote_is_refused_with_its_line(cop, coordinator):
    text = "\n".join(["email,name", "ann@example.org,Ann", '"bob@example.org,Bob', "cy@example.org,Cy"])

    plan = plan_invitations(community=cop, by=coordinator, text=text)

    assert plan.error and "Line 3" in plan.error
