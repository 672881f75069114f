"""Every page of issue 13's coordinator console in a real Chromium: no serious or critical axe-core violation
in English or in Arabic, and every kind of form works with JavaScript switched off.

One coordinator session per language; the community is filled through the services so that every page
shows its lists, tables and forms (a pending request, invitations, a proposal, themes, partners, labels,
history events, a group with meetings, minutes, actions, knowledge and discussions). Pages that exist only
as the answer to a POST (the onboarding preview with a bad row, the organisation merge choice, a refused
accent colour, a group form with an error) are reached by submitting their forms.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from communities.models import (
    Community,
    CommunityEvent,
    Group,
    Invitation,
    Membership,
    PartnerRole,
    Partnership,
    Theme,
)
from communities.services import (
    group_archive,
    group_create,
    invitation_create,
    membership_request,
    partnership_add,
    theme_add,
    theme_retire,
)
from communities.services.dimensions import dimension_create, dimension_value_create
from communities.services.groups import facilitator_name
from communities.services.partners import partner_role_create
from discussions import services as discussion_services
from meetings.models import ActionItem, Meeting, MeetingOutcome
from meetings.services import meeting_add_coorganiser
from members.models import Organization
from members.services import organization_propose
from tests.browser import assert_no_axe_violations, force_login_cookie, html_attributes
from tests.factories import CommunityFactory, OrganizationFactory, UserFactory, make_member
from tests.knowledge.helpers import make_item
from tests.meetings.factories import MeetingFactory

pytestmark = pytest.mark.browser

MUNICIPALITY = Organization.Kind.MUNICIPALITY


@pytest.fixture
def world(transactional_db):
    """A community whose console has something on every page."""
    community = CommunityFactory(
        slug="a11y-cop",
        name="REBUILD",
        visibility=Community.Visibility.PUBLIC,
        join_policy=Community.JoinPolicy.OPEN,
        languages=["en", "it", "ar"],
        default_language="en",
    )
    coordinator = make_member(
        community, UserFactory(full_name="Cora Coordinator", email="cora@example.org"), role=Membership.Role.COORDINATOR
    )
    insider = make_member(community, UserFactory(full_name="Ines Insider", email="ines@example.org"))
    officer = make_member(community, UserFactory(full_name="Omar Officer", email="omar@example.org"))
    team = group_create(
        community=community,
        by=coordinator,
        name="Team 2",
        kind=Group.Kind.COORDINATION,
        description="The coordination team of the second call.",
        join_policy=Community.JoinPolicy.APPROVAL,
        eligible_organization_kinds=[MUNICIPALITY],
        themes=["patti educativi di comunità"],
    )
    group_create(community=community, by=coordinator, name="Team 10")
    archived = group_create(community=community, by=coordinator, name="Pilot 2019")
    group_archive(group=archived, by=coordinator)
    make_member(community, insider, group=team)
    facilitator_name(group=team, user=officer, by=coordinator)

    now = timezone.now().replace(microsecond=0)
    MeetingFactory(community=community, group=team, title="Steering committee", start=now + timedelta(days=3))
    held = MeetingFactory(
        community=community, group=team, title="Kick-off", start=now - timedelta(days=10), status=Meeting.Status.HELD
    )
    MeetingOutcome.objects.create(meeting=held, minutes="We agreed on the plan.")
    ActionItem.objects.create(meeting=held, description="Draft the work plan", owner=insider, due_date=date(2030, 3, 1))
    make_item(community, author=insider, group=team, title="Lessons of the pilot")
    discussion_services.thread_start(community=community, by=insider, title="Agenda ideas", body="Hi", group=team)
    exchange = MeetingFactory(community=community, title="Exchange in Sfax", start=now + timedelta(days=20))
    meeting_add_coorganiser(meeting=exchange, user=officer, by=coordinator)

    newcomer = UserFactory(full_name="Nadia Nuova", email="nadia@example.it")
    organization_propose(by=newcomer, name="Comune di Nuovo Borgo", kind=MUNICIPALITY, country="IT", city="Nuovo Borgo")
    newcomer.refresh_from_db()
    membership_request(user=newcomer, community=community, group=team, message="I work for the Comune.")
    invitation_create(community=community, email="ilaria@example.it", role=Membership.Role.MEMBER, by=coordinator)

    theme_add(community=community, by=coordinator, name="Energy")
    theme_retire(theme=theme_add(community=community, by=coordinator, name="Old theme"), by=coordinator)
    role = partner_role_create(community=community, name="Lead partner", by=coordinator)
    partner_role_create(community=community, name="Associate", by=coordinator)
    dimension = dimension_create(community=community, name="Funding call", by=coordinator)
    call = dimension_value_create(dimension=dimension, name="Call 2024", by=coordinator)
    dimension_value_create(dimension=dimension, name="Call 2025", by=coordinator)
    OrganizationFactory(name="Comune di Bologna", city="Bologna", country="IT", kind=MUNICIPALITY)
    OrganizationFactory(name="Comune di Bolzano", city="Bolzano", country="IT", kind=MUNICIPALITY)
    partner = OrganizationFactory(name="Fondazione Esempio", city="Roma", country="IT")
    partnership = partnership_add(
        community=community, organization=partner, role=role, by=coordinator, dimension_values=[call]
    )
    assert CommunityEvent.objects.filter(community=community).count() > 5, "the history has events to show"
    return {
        "community": community,
        "coordinator": coordinator,
        "team": team,
        "archived": archived,
        "exchange": exchange,
        "partnership": partnership,
        "proposal": newcomer.organization,
    }


def console_pages(world) -> list[str]:
    """Return every console page reached by a plain link (GET), with the group page and co-organisers."""
    manage = f"/c/{world['community'].slug}/manage"
    return [
        f"{manage}/",
        f"{manage}/?group={world['team'].slug}",
        f"{manage}/onboarding/",
        f"{manage}/groups/",
        f"{manage}/groups/new/",
        f"{manage}/groups/{world['team'].slug}/edit/",
        f"{manage}/groups/{world['archived'].slug}/edit/",
        f"{manage}/organisations/",
        f"{manage}/page/",
        f"{manage}/themes/",
        f"{manage}/partners/",
        f"{manage}/partners/?q=comune",
        f"{manage}/partners/{world['partnership'].pk}/",
        f"{manage}/labels/",
        f"{manage}/history/",
        f"/c/{world['community'].slug}/meetings/{world['exchange'].pk}/co-organisers/",
        world["team"].get_absolute_url(),
    ]


def goto(page, url: str, *, expected: int = 200):
    response = page.goto(url)
    assert response is not None and response.status == expected, f"{url} answered {response and response.status}"
    return response


def submit(page, button, *, expected: int = 200):
    """Click a submit button and wait for the answer to the form."""
    with page.expect_navigation() as navigation:
        button.click()
    response = navigation.value
    assert response is not None and response.status == expected, f"{page.url} answered {response and response.status}"


@pytest.mark.parametrize(("language", "direction"), [("en", "ltr"), ("ar", "rtl")])
def test_every_console_page_passes_axe_in_english_and_arabic(browser, live_server, world, language, direction):
    world["coordinator"].language = language
    world["coordinator"].save(update_fields=["language"])
    base = live_server.url
    context = browser.new_context(locale="en-GB")
    context.set_default_timeout(20_000)
    force_login_cookie(context, live_server, world["coordinator"])
    page = context.new_page()
    manage = f"{base}/c/{world['community'].slug}/manage"
    try:
        for path in console_pages(world):
            goto(page, base + path)
            assert html_attributes(page) == {"lang": language, "dir": direction}, path
            assert_no_axe_violations(page)

        # The pages that answer a POST: the onboarding preview with a bad row and with none ...
        goto(page, f"{manage}/onboarding/")
        page.fill("#id_addresses", "Bruno Bianchi <bruno@example.it>\nnot-an-address\nzara@example.org")
        submit(page, page.locator("button[name=preview]"), expected=400)
        assert page.locator("tr.table-danger").count() == 1
        assert_no_axe_violations(page)
        page.fill("#id_addresses", "Bruno Bianchi <bruno@example.it>\nzara@example.org")
        submit(page, page.locator("button[name=preview]"))
        assert page.locator("button[name=confirm]").count() == 1
        assert_no_axe_violations(page)

        # ... the organisation merge page offering the listed organisations that match ...
        goto(page, f"{manage}/organisations/")
        proposal = world["proposal"]
        page.fill(f"#into-{proposal.pk}", "Comune di Bo")
        submit(page, page.locator(f"#organisation-{proposal.pk} form").nth(1).locator("button[type=submit]"))
        assert page.locator("input[type=radio][name=into]").count() == 2
        assert_no_axe_violations(page)

        # ... a refused accent colour, and a group form with an error.
        goto(page, f"{manage}/page/")
        page.fill("#id_accent_color", "#ffcc00")
        submit(page, page.locator("main form button[type=submit]"), expected=400)
        assert "1.51:1" in page.content()
        assert_no_axe_violations(page)
        goto(page, f"{manage}/groups/new/")
        submit(page, page.locator("main form button[type=submit]").first, expected=400)
        assert not Group.objects.filter(community=world["community"], name="").exists()
        assert_no_axe_violations(page)
    finally:
        context.close()


def test_the_console_forms_work_without_javascript(browser, live_server, world):
    community, coordinator, team = world["community"], world["coordinator"], world["team"]
    base = live_server.url
    manage = f"{base}/c/{community.slug}/manage"
    context = browser.new_context(java_script_enabled=False, locale="en-GB")
    context.set_default_timeout(20_000)
    force_login_cookie(context, live_server, coordinator)
    page = context.new_page()
    try:
        goto(page, f"{manage}/groups/new/")
        page.fill("#id_name", "Team 3")
        page.select_option("#id_join_policy", Community.JoinPolicy.APPROVAL)
        page.check(f"input[name=eligible_organization_kinds][value={MUNICIPALITY}]")
        submit(page, page.locator("main form button[type=submit]").first)
        created = Group.objects.get(community=community, name="Team 3")
        assert created.eligible_organization_kinds == [MUNICIPALITY]

        goto(page, f"{manage}/groups/{team.slug}/edit/")
        page.fill("#id_description", "Changed without JavaScript.")
        submit(page, page.locator("main form button[type=submit]").first)
        team.refresh_from_db()
        assert team.description == "Changed without JavaScript."

        goto(page, f"{manage}/groups/")
        before = created.position
        submit(page, page.locator(f"#group-{created.pk} button", has_text="Move up"))
        created.refresh_from_db()
        assert created.position < before

        goto(page, f"{manage}/page/")
        page.fill("#id_tagline", "Municipalities rebuilding together")
        submit(page, page.locator("main form button[type=submit]"))
        community.refresh_from_db()
        assert community.tagline == "Municipalities rebuilding together"

        goto(page, f"{manage}/themes/")
        page.locator("main form").first.locator("input[type=text]").first.fill("Water")
        submit(page, page.locator("main form").first.locator("button[type=submit]"))
        assert Theme.objects.filter(community=community, name="Water").exists()

        goto(page, f"{manage}/labels/")
        page.fill("#new-role", "Observer")
        submit(page, page.get_by_role("button", name="Add the role"))
        assert PartnerRole.objects.filter(community=community, name="Observer").exists()

        goto(page, f"{manage}/partners/?q=bolzano")
        submit(page, page.locator("main form[action$='/partners/add/'] button[type=submit]").first)
        assert Partnership.objects.filter(community=community, organization__name="Comune di Bolzano").exists()

        goto(page, f"{manage}/onboarding/")
        page.fill("#id_addresses", "Bruno Bianchi <bruno@example.it>\nzara@example.org")
        submit(page, page.locator("button[name=preview]"))
        submit(page, page.locator("button[name=confirm]"))
        assert set(Invitation.objects.filter(community=community).values_list("email", flat=True)) >= {
            "bruno@example.it",
            "zara@example.org",
        }

        proposal = world["proposal"]
        goto(page, f"{manage}/organisations/")
        submit(page, page.locator(f"#organisation-{proposal.pk} form").first.locator("button[type=submit]"))
        proposal.refresh_from_db()
        assert proposal.is_verified

        goto(page, f"{manage}/")
        submit(page, page.locator("li.request-item button", has_text="Approve"))
        assert Membership.objects.get(user__email="nadia@example.it", group=team).status == Membership.Status.ACTIVE

        exchange = world["exchange"]
        goto(page, f"{base}/c/{community.slug}/meetings/{exchange.pk}/co-organisers/?q=ines")
        submit(page, page.locator("main form[action$='/co-organisers/add/'] button[type=submit]").first)
        assert CommunityEvent.objects.filter(
            community=community, action=CommunityEvent.Action.CO_ORGANISER_ADDED, target__contains="Ines Insider"
        ).exists()

        goto(page, f"{manage}/history/")
        assert page.locator("main").get_by_text("Team 3").first.is_visible()
    finally:
        context.close()
