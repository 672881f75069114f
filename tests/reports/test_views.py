"""The report pages: who may open them, what they show, the downloads, the print view, the PDF and query counts."""

import csv
import io
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from communities.models import Community, Membership
from cop_portal.reports.periods import Period
from cop_portal.reports.selectors import Report
from cop_portal.reports.store import report_invalidate
from tests.factories import CommunityFactory, GroupFactory, OrganizationFactory, UserFactory, make_member
from tests.meetings.factories import MeetingFactory, RegistrationFactory

from .helpers import as_text, page_table


def url(community, name="reports:index"):
    return reverse(name, kwargs={"community_slug": community.slug})


def csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content if response.streaming else [response.content]).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def xlsx_rows(response, sheet_index=0) -> list[list[str]]:
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[sheet_index]
    return [["" if value is None else str(value) for value in row] for row in sheet.iter_rows(values_only=True)]


# --- Who may open the reports --------------------------------------------------------------------------------


def test_a_coordinator_opens_the_report_of_their_community(client, cop, coordinator):
    client.force_login(coordinator)
    response = client.get(url(cop))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Reports of Report CoP" in html
    assert 'data-table-id="activity"' in html and 'id="meetings-by-group-x-theme"' in html


@pytest.mark.parametrize("role", [Membership.Role.MEMBER, Membership.Role.FACILITATOR])
def test_members_and_facilitators_get_404(client, cop, role):
    group = GroupFactory(community=cop)
    person = make_member(cop, role=role, group=group if role == Membership.Role.FACILITATOR else None)
    client.force_login(person)
    for name in ("reports:index", "reports:print", "reports:pdf"):
        assert client.get(url(cop, name)).status_code == 404
    assert client.get(url(cop) + "?format=csv&table=activity").status_code == 404


def test_anonymous_visitors_are_asked_to_sign_in(client, cop):
    response = client.get(url(cop) + "?preset=last-year")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_a_coordinator_of_another_community_gets_404(client, cop, coordinator):
    other = CommunityFactory(slug="other", visibility=Community.Visibility.PUBLIC)
    other_coordinator = make_member(other, role=Membership.Role.COORDINATOR)
    client.force_login(other_coordinator)
    for name in ("reports:index", "reports:print", "reports:pdf"):
        assert client.get(url(cop, name)).status_code == 404
    assert client.get(url(cop) + "?format=xlsx").status_code == 404
    # ...while their own report opens.
    assert client.get(url(other)).status_code == 200


def test_a_members_only_communitys_report_never_reaches_outsiders(client, members_only):
    MeetingFactory(community=members_only, title="Secret board", visibility="members")
    outsider = UserFactory()
    client.force_login(outsider)
    response = client.get(url(members_only))
    assert response.status_code == 404 and b"Secret board" not in response.content


# --- What the page shows and the downloads hold -------------------------------------------------------------


@pytest.fixture
def activity(cop, coordinator):
    """A group that met twice (on a theme, with one participant), and one partner."""
    from communities.models import PartnerRole, Partnership

    group = GroupFactory(community=cop, name="Città = Comuni")
    past = timezone.now() - timedelta(days=5)
    first = MeetingFactory(community=cop, group=group, kind="workshop", start=past, end=past + timedelta(hours=1))
    first.themes.set(["reti"])
    MeetingFactory(community=cop, group=group, kind="webinar", start=past, end=past + timedelta(hours=1))
    RegistrationFactory(meeting=first, user=make_member(cop, UserFactory(organization=OrganizationFactory())))
    role = PartnerRole.objects.create(community=cop, name="Partner city")
    Partnership.objects.create(community=cop, organization=OrganizationFactory(country="IT"), role=role)
    return group


def test_the_page_shows_the_periods_figures(client, cop, coordinator, activity):
    client.force_login(coordinator)
    html = client.get(url(cop) + "?preset=all").content.decode()
    activity_table = page_table(html, "activity")
    assert ["Meetings held", "2"] in activity_table
    assert ["Participants reached (registered or present)", "1"] in activity_table
    by_kind = page_table(html, "meetings-by-kind")
    assert by_kind == [["Kind", "Meetings"], ["Webinar", "1"], ["Workshop", "1"], ["Total", "2"]]
    # A period before any of it shows nothing held.
    old = client.get(url(cop) + "?from=2001-01-01&to=2001-12-31").content.decode()
    assert ["Meetings held", "0"] in page_table(old, "activity")


@pytest.mark.parametrize(
    "table_id", ["activity", "meetings-by-kind", "meetings-by-group-x-theme", "partners-by-country-x-role"]
)
def test_csv_and_excel_downloads_hold_exactly_what_the_page_shows(client, cop, coordinator, activity, table_id):
    client.force_login(coordinator)
    query = "from=2000-01-01&to=2099-12-31"
    shown = page_table(client.get(f"{url(cop)}?{query}").content.decode(), table_id)
    assert len(shown) >= 2

    response = client.get(f"{url(cop)}?{query}&format=csv&table={table_id}")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert f'filename="cop-{table_id}-2000-01-01_2099-12-31.csv"' in response["Content-Disposition"]
    assert csv_rows(response) == shown

    response = client.get(f"{url(cop)}?{query}&format=xlsx&table={table_id}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert xlsx_rows(response) == shown


def test_the_excel_workbook_of_the_whole_report_has_a_sheet_per_table(client, cop, coordinator, activity):
    client.force_login(coordinator)
    response = client.get(url(cop) + "?format=xlsx")
    workbook = load_workbook(io.BytesIO(response.content))
    tables = Report(community=cop, period=Period()).tables()
    assert len(workbook.worksheets) == len(tables)
    assert workbook.worksheets[0].title == "Key figures of the period"
    assert xlsx_rows(response, 0) == as_text(tables[0].as_lists())


def test_a_label_that_looks_like_a_formula_stays_text_in_the_downloads(client, cop, coordinator, activity):
    activity.name = "=HYPERLINK(1)"
    activity.save()
    client.force_login(coordinator)
    rows = csv_rows(client.get(url(cop) + "?format=csv&table=meetings-by-group"))
    assert ["'=HYPERLINK(1)", "2"] in rows
    workbook = load_workbook(io.BytesIO(client.get(url(cop) + "?format=xlsx&table=meetings-by-group").content))
    cell = workbook.worksheets[0]["A2"]
    assert cell.value == "=HYPERLINK(1)" and cell.data_type == "s"


@pytest.mark.parametrize(
    "query,message",
    [
        ("format=csv&table=no-such-table", "This report has no table called"),
        ("format=pdf&table=activity", "Downloads come as CSV or as Excel workbooks."),
        ("format=csv", "Choose a table to download as CSV"),
        ("format=csv&table=activity&from=2021-12-31&to=2021-01-01", "Choose a valid period before downloading."),
    ],
)
def test_a_bad_download_request_explains_itself_and_sends_back_to_the_report(client, cop, coordinator, query, message):
    client.force_login(coordinator)
    response = client.get(f"{url(cop)}?{query}")
    assert response.status_code == 302 and response["Location"].startswith(url(cop))
    assert any(message in str(m) for m in get_messages(response.wsgi_request))


def test_an_end_before_the_start_shows_the_error_and_the_all_time_report(client, cop, coordinator):
    client.force_login(coordinator)
    html = client.get(url(cop) + "?preset=custom&from=2021-12-31&to=2021-01-01").content.decode()
    assert "The start of the period must come before its end." in html
    assert "Period: All time" in html


def test_every_chart_has_a_title_a_description_and_its_table_beside_it(client, cop, coordinator, activity):
    client.force_login(coordinator)
    html = client.get(url(cop)).content.decode()
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" class="report-chart"') >= 2
    for chart_id in ("chart-meetings-by-kind", "chart-meetings-by-group"):
        assert f'aria-labelledby="{chart_id}-title {chart_id}-desc"' in html
        assert f'<title id="{chart_id}-title">' in html and f'<desc id="{chart_id}-desc">' in html
    # Readable without colour: every series is a pattern, the numbers are written on the bars.
    assert 'fill="url(#chart-meetings-by-kind-p0)"' in html
    assert '<pattern id="chart-meetings-by-group-x-theme-p1"' in html


# --- Printable report and PDF -------------------------------------------------------------------------------


def test_the_print_view_carries_the_communitys_name_colour_and_logo(client, cop, coordinator, activity, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.knowledge.helpers import png_bytes

    cop.logo = SimpleUploadedFile("logo.png", png_bytes(), content_type="image/png")
    cop.save()
    client.force_login(coordinator)
    response = client.get(url(cop, "reports:print") + "?from=2020-01-01&to=2099-12-31")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Report CoP</h1>" in html and "#8a4b08" in html
    assert cop.logo.url in html
    assert ["Meetings held", "2"] in page_table(html, "activity")
    assert "format=csv" not in html  # no download links on paper


def test_the_pdf_is_made_from_the_print_view(client, cop, coordinator, activity):
    from pypdf import PdfReader

    client.force_login(coordinator)
    response = client.get(url(cop, "reports:pdf") + "?preset=all")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert 'filename="cop-report-all-time.pdf"' in response["Content-Disposition"]
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Report CoP" in text and "Meetings held" in text


# --- Queries stay bounded -----------------------------------------------------------------------------------


def _grow(community, *, groups: int, meetings: int):
    past = timezone.now() - timedelta(days=3)
    made = [GroupFactory(community=community) for _ in range(groups)]
    for index in range(meetings):
        meeting = MeetingFactory(
            community=community, group=made[index % len(made)], start=past, end=past + timedelta(hours=1)
        )
        meeting.themes.set([f"theme {index % 4}"])
        RegistrationFactory(meeting=meeting, user=make_member(community), attended=True)


def _queries(client, path) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


@pytest.mark.parametrize("name", ["reports:index", "reports:print"])
def test_a_report_page_runs_the_same_number_of_queries_whatever_the_size(client, cop, coordinator, name):
    client.force_login(coordinator)
    _grow(cop, groups=2, meetings=2)
    client.get(url(cop, name))  # warm the caches (content types, sessions)
    small = _queries(client, url(cop, name))
    _grow(cop, groups=12, meetings=30)
    assert _queries(client, url(cop, name)) == small


def test_the_report_page_query_count_is_pinned(client, cop, coordinator, django_assert_num_queries):
    _grow(cop, groups=3, meetings=6)
    client.force_login(coordinator)
    client.get(url(cop))
    report_invalidate(community=cop)  # counted afresh (the tables are otherwise kept: see cop_portal/reports/store.py)
    # Session with its user (one query: cop_portal.privacy.sessions), community, permission (one
    # subquery: grant and active membership); dimensions,
    # groups, roles; six for the activity figures; two per one-way table and four per pivot; the
    # header's unread discussions count. (No host-name lookup on the test client's "testserver".)
    # The count runs once for every language, and a query two tables share (the meetings' total,
    # the groups' total...) is sent once; two bounded counts first find the community small enough
    # to count in the request. The person and their memberships are read once per request
    # (communities/permissions/person.py), which took two queries off the first count: 29.
    with django_assert_num_queries(29):
        client.get(url(cop))
    # Kept tables: two queries (the session with the person, what they may see), nothing that grows.
    with django_assert_num_queries(2):
        client.get(url(cop))


def test_the_pdf_embeds_the_logo_and_writes_arabic_names_with_a_font_that_has_them(client, cop, coordinator):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from pypdf import PdfReader

    from cop_portal.reports.pdf import pdf_font
    from tests.knowledge.helpers import png_bytes

    cop.logo = SimpleUploadedFile("logo.png", png_bytes(), content_type="image/png")
    cop.save()
    GroupFactory(community=cop, name="بلدية طرابلس")
    client.force_login(coordinator)
    response = client.get(url(cop, "reports:pdf"))
    reader = PdfReader(io.BytesIO(response.content))
    first = reader.pages[0]
    assert list(first.images), "the logo is drawn on the first page"
    if pdf_font():
        fonts = {str(font.get("/BaseFont")) for page in reader.pages for font in page["/Resources"]["/Font"].values()}
        assert any("PortalSans" in name or "DejaVu" in name for name in fonts), fonts
