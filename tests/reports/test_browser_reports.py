"""Reports in a real Chromium: the Con i Bambini figures, a CSV download, axe-core, and no JavaScript needed."""

import csv
import io

import pytest

from members.models import User
from tests.browser import assert_no_axe_violations, force_login_cookie, login

pytestmark = pytest.mark.browser

COORDINATOR = "coordinator.con-i-bambini@cop.demo"
REPORT = "/c/con-i-bambini/reports/"


@pytest.fixture
def seeded(demo_data_live):
    """Seed communities, meetings and knowledge into the database the live server reads (once: tests/conftest.py)."""


def cells(page, table_id: str) -> list[list[str]]:
    """Return the text of every cell of a report table as the browser shows it, header first."""
    return page.evaluate(
        """(id) => Array.from(document.querySelectorAll(`table[data-table-id="${id}"] tr`)).map(
            tr => Array.from(tr.querySelectorAll("th, td")).map(c => c.innerText.trim().replace(/\\s+/g, " ")))""",
        table_id,
    )


def value(page, table_id: str, key: str) -> str:
    return page.locator(f'table[data-table-id="{table_id}"] tr[data-key="{key}"] td').first.inner_text().strip()


def test_a_coordinator_reads_the_con_i_bambini_figures_and_downloads_a_table(page, live_server, seeded):
    login(page, live_server, User.objects.get(email=COORDINATOR), "demo")
    page.goto(live_server.url + REPORT)
    # Choose the period up to 31/12/2021 with the form, as a coordinator would.
    page.fill('input[name="to"]', "2021-12-31")
    with page.expect_navigation():
        page.locator('form[method="get"] button[type="submit"]').click()
    assert "to=2021-12-31" in page.url

    assert value(page, "activity", "meetings_held") == "35"
    assert value(page, "activity", "groups_that_met") == "16"
    groups = cells(page, "groups-by-bando-x-macro-area")
    assert groups[-1][-1] == "16"
    partners = {row[0]: row for row in cells(page, "partners-by-role-x-bando")}
    assert partners["Funded project"][1:4] == ["80", "86", "83"] and partners["Funded project"][-1] == "249"
    assert page.locator("svg.report-chart").count() >= 3
    assert_no_axe_violations(page)

    section = page.locator("section#partners-by-role-x-bando")
    with page.expect_download() as download_info:
        section.locator("a[href*='format=csv']").click()
    download = download_info.value
    assert download.suggested_filename == "con-i-bambini-partners-by-role-x-bando-start_2021-12-31.csv"
    with open(download.path(), encoding="utf-8-sig") as handle:
        assert list(csv.reader(io.StringIO(handle.read()))) == cells(page, "partners-by-role-x-bando")


def test_the_network_map_passes_axe(page, live_server, seeded):
    page.goto(live_server.url + "/network/")
    assert page.locator("svg.network-map").count() == 1
    assert page.locator("#network-list li").count() >= 4
    assert_no_axe_violations(page)
    login(page, live_server, User.objects.get(email="amal.bensaid@cop.demo"), "demo")
    page.goto(live_server.url + "/network/?country=IT")
    assert_no_axe_violations(page)


def test_reports_and_the_map_work_without_javascript(browser, live_server, seeded):
    context = browser.new_context(java_script_enabled=False, locale="en-GB")
    try:
        force_login_cookie(context, live_server, User.objects.get(email=COORDINATOR))
        page = context.new_page()
        page.goto(live_server.url + REPORT + "?preset=all")
        assert value(page, "activity", "meetings_held") == "35"
        page.locator("a[href*='preset=last-year']").first.click()
        page.wait_for_load_state()
        assert "preset=last-year" in page.url
        page.goto(live_server.url + REPORT + "print/?to=2021-12-31")
        assert value(page, "activity", "meetings_held") == "35"
        page.goto(live_server.url + "/network/")
        page.select_option("select[name=country]", "LY")
        with page.expect_navigation():
            page.locator("main form[method=get] button[type=submit]").click()
        assert "country=LY" in page.url
        communities = page.locator(".network-communities li")
        assert communities.count() == 1 and "REBUILD" in communities.inner_text()
    finally:
        context.close()


def test_a_map_with_shared_themes_partners_and_people_passes_axe(page, browser_context, live_server, transactional_db):
    from communities.models import PartnerRole, Partnership
    from tests.factories import CommunityFactory, OrganizationFactory, UserFactory, make_member

    communities = [CommunityFactory(name=f"Community {name}", countries=["IT"]) for name in "ABC"]
    shared = OrganizationFactory(name="Shared city")
    for community in communities:
        community.themes.set(["water", "energy"])
        role = PartnerRole.objects.create(community=community, name="Partner")
        Partnership.objects.create(community=community, organization=shared, role=role)
    viewer = UserFactory(full_name="Vera Viewer", show_in_network=True)
    for community in communities[:2]:
        make_member(community, viewer)
    force_login_cookie(browser_context, live_server, viewer)
    page.goto(live_server.url + "/network/")
    assert page.locator("svg.network-map a").count() == 3 + 2 + 1 + 1  # communities, themes, partner, person
    page.keyboard.press("Tab")
    assert_no_axe_violations(page)
