"""Bulk onboarding from CSV: dry run with line-numbered errors, all or nothing, idempotent re-import."""

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse

from communities.importing import import_people
from communities.models import DimensionValue, Membership, MembershipEvent, PartnerRole, Partnership, ReportingDimension
from members.models import Organization, User
from tests.factories import CommunityFactory, GroupFactory, OrganizationFactory, UserFactory, make_member

pytestmark = pytest.mark.django_db

HEADER = (
    "email,full_name,job_title,country,language,expertise,organisation,organisation_kind,organisation_country,"
    "organisation_city,community,group,role,partner_role,dimension_values"
)


@pytest.fixture
def place(db):
    community = CommunityFactory(slug="con-i-bambini", default_language="it")
    group = GroupFactory(community=community, slug="pi16-sud")
    call = ReportingDimension.objects.create(community=community, name="Bando", slug="bando")
    area = ReportingDimension.objects.create(community=community, name="Macro-area", slug="macro-area")
    DimensionValue.objects.create(dimension=call, name="Prima Infanzia 2016", slug="prima-infanzia-2016")
    DimensionValue.objects.create(dimension=area, name="Sud e Isole", slug="sud-e-isole")
    PartnerRole.objects.create(community=community, name="Funded project")
    return {"community": community, "group": group}


GOOD = "\n".join(
    [
        HEADER,
        "marta@example.org,Marta Esposito,Coordinatrice,IT,,educational poverty; networks,"
        "Cooperativa Il Germoglio,ngo,IT,Napoli,con-i-bambini,pi16-sud,facilitator,Funded project,"
        '"Bando: Prima Infanzia 2016; Macro-area: Sud e Isole"',
        "luca@example.org,Luca Neri,,IT,en,,Cooperativa Il Germoglio,,IT,,con-i-bambini,,coordinator,,",
        ",,,,,,Associazione Crescere Insieme,NGO / third sector,IT,Torino,con-i-bambini,,,Funded project,"
        "bando: prima-infanzia-2016",
    ]
)


def _counts():
    return {
        "organisations": Organization.objects.count(),
        "people": User.objects.count(),
        "memberships": Membership.objects.count(),
        "partnerships": Partnership.objects.count(),
        "labels": Partnership.dimension_values.through.objects.count(),
        "tags": sum(len(user.expertise.names()) for user in User.objects.all()),
    }


def test_imports_organisations_people_memberships_partnerships_and_labels(place):
    admin = UserFactory(is_superuser=True, is_staff=True)
    report = import_people(GOOD, dry_run=False, actor=admin)
    assert report.ok, report.errors
    assert (report.organisations_created, report.people_created, report.partnerships_created) == (2, 2, 2)
    assert report.labels_added == 3
    marta = User.objects.get(email="marta@example.org")
    assert marta.full_name == "Marta Esposito"
    assert marta.organization.name == "Cooperativa Il Germoglio"
    assert marta.language == "it"  # the community's language when the file gives none
    assert sorted(marta.expertise.names()) == ["educational poverty", "networks"]
    assert not marta.has_usable_password()
    assert EmailAddress.objects.get(user=marta).verified is False
    # The group row makes her a facilitator of the group and a member of its community.
    assert Membership.objects.get(user=marta, group=place["group"]).role == "facilitator"
    assert Membership.objects.get(user=marta, community=place["community"], group=None).role == "member"
    assert marta.has_perm("communities.manage_group", place["group"])
    luca = User.objects.get(email="luca@example.org")
    assert luca.language == "en"
    assert luca.has_perm("communities.manage_community", place["community"])
    assert MembershipEvent.objects.filter(membership__user=luca, actor=admin).exists()
    germoglio = Partnership.objects.get(organization__name="Cooperativa Il Germoglio")
    assert sorted(v.name for v in germoglio.dimension_values.all()) == ["Prima Infanzia 2016", "Sud e Isole"]
    crescere = Organization.objects.get(name="Associazione Crescere Insieme")
    assert (crescere.kind, crescere.city) == ("ngo", "Torino")


def test_importing_the_same_file_twice_creates_nothing_new(place):
    import_people(GOOD, dry_run=False)
    after_first = _counts()
    events = MembershipEvent.objects.count()
    report = import_people(GOOD, dry_run=False)
    assert report.ok
    assert _counts() == after_first
    assert MembershipEvent.objects.count() == events
    assert report.counts() == [(label, 0) for label, _count in report.counts()]


def test_dry_run_reports_what_would_happen_and_writes_nothing(place):
    before = _counts()
    report = import_people(GOOD, dry_run=True)
    assert report.ok
    assert (report.organisations_created, report.people_created, report.memberships_created) == (2, 2, 3)
    assert "3 rows are valid" in report.summary()
    assert _counts() == before
    assert not EmailAddress.objects.exists()


def test_existing_people_keep_what_they_entered(place):
    person = UserFactory(email="marta@example.org", full_name="Marta E.", job_title="", language="ar")
    import_people(GOOD, dry_run=False)
    person.refresh_from_db()
    assert person.full_name == "Marta E."
    assert person.job_title == "Coordinatrice"  # was empty: filled
    assert person.language == "ar"
    assert person.has_usable_password()


def test_existing_organisation_is_matched_by_name_and_country(place):
    org = OrganizationFactory(name="Cooperativa Il Germoglio", country="IT", kind="ngo", city="")
    import_people(GOOD, dry_run=False)
    assert Organization.objects.filter(name="Cooperativa Il Germoglio").count() == 1
    org.refresh_from_db()
    assert org.city == "Napoli"


BAD_ROWS = [
    ("a@example.org,Ann,,,,,,,,,nowhere,,,,", "Unknown community: nowhere."),
    ("a@example.org,Ann,,,,,,,,,con-i-bambini,no-such-group,,,", "Unknown group no-such-group"),
    ("a@example.org,Ann,,,,,,,,,con-i-bambini,,boss,,", "Unknown role: boss"),
    ("not-an-email,Ann,,,,,,,,,con-i-bambini,,,,", "Not a valid email address: not-an-email."),
    (",,,,,,Ente Nuovo,castle,IT,,,,,,", "Unknown organisation kind: castle"),
    (",,,,,,Ente Nuovo,,IT,,,,,,", "Ente Nuovo is a new organisation: give its organisation_kind."),
    (",,,,,,Ente,ngo,IT,,con-i-bambini,,,Funded project,Bando: Nessuno", "Unknown reporting label Bando: Nessuno"),
    (",,,,,,Ente,ngo,IT,,con-i-bambini,,,Funded project,Colore: Rosso", "Unknown reporting label Colore: Rosso"),
    (",,,,,,Ente,ngo,IT,,con-i-bambini,,,Sponsor,", "Unknown partner role Sponsor"),
    (",,,,,,Ente,ngo,IT,,con-i-bambini,,,,Bando: Prima Infanzia 2016", "give a partner_role too"),
    ("a@example.org,Ann,,Atlantis,,,,,,,,,,,", "Unknown country in country: Atlantis."),
    ("a@example.org,Ann,,,xx,,,,,,,,,,", "Unknown language: xx"),
    (",,,,,,,,,,con-i-bambini,,,,", "A row needs an email address or an organisation."),
]


@pytest.mark.parametrize("row,message", BAD_ROWS, ids=[m for _r, m in BAD_ROWS])
def test_a_bad_row_is_reported_with_its_line_and_nothing_is_written(place, row, message):
    text = "\n".join([HEADER, "good@example.org,Good Person,,,,,,,,,con-i-bambini,,,,", row])
    before = _counts()
    report = import_people(text, dry_run=False)
    assert not report.ok
    assert [error.line for error in report.errors] == [3]
    assert message in report.errors[0].message
    assert "nothing was imported" in report.summary()
    assert _counts() == before


def test_every_bad_row_is_reported_with_its_own_line(place):
    text = "\n".join(
        [
            HEADER,
            "one@example.org,One,,,,,,,,,con-i-bambini,,,,",
            "bad-email,Two,,,,,,,,,con-i-bambini,,,,",
            "",
            '"three@example.org","Three, with a\nline break",,,,,,,,,con-i-bambini,,,,',
            "four@example.org,Four,,,,,,,,,nowhere,,,,",
            "one@example.org,One,,,,,,,,,con-i-bambini,,,,",
        ]
    )
    report = import_people(text, dry_run=True)
    assert [(error.line, error.message.split(":")[0]) for error in report.errors] == [
        (3, "Not a valid email address"),
        (7, "Unknown community"),
        (8, "This row repeats line 2."),
    ]
    assert str(report.errors[0]).startswith("Line 3:")


def test_conflicting_details_for_one_organisation_are_refused(place):
    text = "\n".join([HEADER, ",,,,,,Ente Uno,ngo,IT,Roma,,,,,", ",,,,,,Ente Uno,school,IT,,,,,,"])
    report = import_people(text, dry_run=True)
    assert [(e.line, e.message) for e in report.errors] == [(3, "The organisation's kind differs from line 2.")]


def test_unknown_columns_are_reported_on_line_1(place):
    report = import_people("email,fullname\na@example.org,Ann\n", dry_run=True)
    assert report.errors[0].line == 1
    assert "Unknown columns: fullname" in report.errors[0].message


def test_semicolon_separated_files_are_read(place):
    text = "email;full_name;community\nsemi@example.org;Semi Colon;con-i-bambini\n"
    report = import_people(text, dry_run=False)
    assert report.ok, report.errors
    assert User.objects.filter(email="semi@example.org", memberships__community=place["community"]).exists()


def test_an_imported_person_can_set_a_password_by_forgot_password(client, place):
    import_people(GOOD, dry_run=False)
    client.post(reverse("account_reset_password"), {"email": "marta@example.org"})
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["marta@example.org"]


# --- the management command ------------------------------------------------------------------------------------


def test_command_dry_run_writes_nothing(place, tmp_path, capsys):
    path = tmp_path / "people.csv"
    path.write_text("\ufeff" + GOOD, encoding="utf-8")
    before = _counts()
    call_command("import_people", str(path), "--dry-run")
    assert "3 rows are valid" in capsys.readouterr().out
    assert _counts() == before
    call_command("import_people", str(path))
    assert User.objects.filter(email="marta@example.org").exists()


def test_command_reports_bad_rows_and_fails(place, tmp_path, capsys):
    path = tmp_path / "people.csv"
    path.write_text(HEADER + "\nbad-email,X,,,,,,,,,con-i-bambini,,,,\n", encoding="utf-8")
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_people", str(path))
    assert "Line 2: Not a valid email address" in capsys.readouterr().err


# --- the admin page ------------------------------------------------------------------------------------------


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


IMPORT_URL = "/admin/communities/membership/import/"


def _upload(text, name="people.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def test_admin_import_page_documents_the_columns(staff_client):
    assert reverse("admin:communities_membership_import") == IMPORT_URL
    body = staff_client.get(IMPORT_URL).content.decode()
    for column in ("email", "organisation_kind", "dimension_values", "partner_role"):
        assert f"<code>{column}</code>" in body
    assert "Forgot your password?" in body
    assert IMPORT_URL in staff_client.get(reverse("admin:members_organization_changelist")).content.decode()
    assert IMPORT_URL in staff_client.get(reverse("admin:communities_membership_changelist")).content.decode()


def test_admin_dry_run_shows_errors_with_line_numbers(staff_client, place):
    text = HEADER + "\nbad-email,X,,,,,,,,,con-i-bambini,,,,\n"
    response = staff_client.post(IMPORT_URL, {"file": _upload(text), "check": "1"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "<td>2</td><td>Not a valid email address: bad-email.</td>" in body
    assert not User.objects.filter(email="bad-email").exists()


def test_admin_dry_run_then_import(staff_client, place):
    before = _counts()
    preview = staff_client.post(IMPORT_URL, {"file": _upload(GOOD), "check": "1"})
    assert "Dry run: the file is valid" in preview.content.decode()
    assert _counts() == before
    payload = preview.context["form"].initial["payload"]
    done = staff_client.post(IMPORT_URL, {"payload": payload, "import": "1"})
    assert done.status_code == 200
    assert "3 rows imported" in done.content.decode()
    assert User.objects.filter(email="marta@example.org").exists()


def test_admin_refuses_a_tampered_payload(staff_client, place):
    response = staff_client.post(IMPORT_URL, {"payload": "email\nevil@example.org", "import": "1"})
    assert "The checked file expired: upload it again." in response.content.decode()
    assert not User.objects.filter(email="evil@example.org").exists()


def test_admin_refuses_a_file_that_is_not_utf8(staff_client, place):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("people.csv", "email\nné@example.org\n".encode("latin-1"), content_type="text/csv")
    response = staff_client.post(IMPORT_URL, {"file": upload, "check": "1"})
    assert "is not UTF-8 text" in response.content.decode()


def test_member_of_a_community_cannot_import(client, place):
    client.force_login(make_member(place["community"], UserFactory()))
    assert client.get(IMPORT_URL).status_code == 302
