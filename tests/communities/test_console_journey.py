"""Issue 13's journey in a real Chromium: a coordinator shapes the community from the console, a newcomer
proposes their organisation and is verified into a reserved group; axe-core on every console page, in
English and then, after switching the language as a person would, in Arabic.

Everything is done by clicking and filling the real forms (labels and buttons), against live_server.
The live server runs in this process with the locmem email backend and eager tasks, so the invitation
emails land in django.core.mail.outbox.
"""

from __future__ import annotations

import pytest
from django.core import mail

from communities.models import Community, CommunityEvent, Group, Invitation, Membership
from members.models import Organization
from tests.browser import assert_no_axe_violations, html_attributes, login
from tests.factories import CommunityFactory, UserFactory, make_member

pytestmark = pytest.mark.browser

PASSWORD = "a-long-test-password"
GROUP = "Municipal officers"
PROPOSAL = "Comune di Nuovo Borgo"
INVITEES = {"ilaria@example.it": "it", "amal@example.ly": "ar", "emma@example.org": "en"}
INVITATION_SUBJECTS = {"it": "Invito ad aderire a", "ar": "أنت مدعو إلى الانضمام إلى", "en": "You are invited to join"}


def goto(page, url: str):
    response = page.goto(url)
    assert response is not None and response.ok, f"{url} answered {response.status if response else 'nothing'}"
    return response


def click(page, locator) -> None:
    """Click a link or a submit button and wait for the page it leads to."""
    with page.expect_navigation():
        locator.click()


def console_tab(page, name: str) -> None:
    """Open a console tab from the console's own menu."""
    click(page, page.get_by_role("navigation", name="Console").get_by_role("link", name=name, exact=True))
    assert page.get_by_role("heading", level=1).is_visible()


@pytest.fixture
def rebuild(transactional_db):
    community = CommunityFactory(
        slug="rebuild-journey",
        name="REBUILD",
        visibility=Community.Visibility.PUBLIC,
        join_policy=Community.JoinPolicy.OPEN,
        languages=["en", "it", "ar"],
        default_language="en",
        accent_color="#1f5f8b",
    )
    coordinator = make_member(
        community,
        UserFactory(full_name="Cora Coordinator", email="cora@example.org", language="en"),
        role=Membership.Role.COORDINATOR,
    )
    return community, coordinator


def test_a_coordinator_shapes_the_community_and_a_newcomer_is_verified_into_a_reserved_group(
    browser, live_server, rebuild
):
    community, coordinator = rebuild
    newcomer = UserFactory(full_name="Nadia Nuova", email="nadia@example.it", language="en", organization=None)
    base = live_server.url
    coordinator_context = browser.new_context(locale="en-GB")
    newcomer_context = browser.new_context(locale="en-GB")
    visited: list[str] = []

    def checked(page) -> None:
        """Run axe on a console page and remember it for the Arabic pass."""
        assert_no_axe_violations(page)
        path = page.url.removeprefix(base)
        if path not in visited:
            visited.append(path)

    try:
        console = coordinator_context.new_page()
        login(console, live_server, coordinator, PASSWORD)
        goto(console, f"{base}/c/{community.slug}/")
        click(console, console.get_by_role("link", name="Coordinator console"))
        assert console.url == f"{base}/c/{community.slug}/manage/"
        checked(console)

        # --- A reserved group -------------------------------------------------------------------------
        console_tab(console, "Groups")
        checked(console)
        click(console, console.get_by_role("link", name="New group"))
        checked(console)
        form = console.locator("main form").first
        form.get_by_label("Name", exact=True).fill(GROUP)
        form.get_by_label("Kind").select_option(label="Coordination team")
        form.get_by_label("Description").fill("The officers of the municipalities in the programme.")
        form.get_by_label("How people join").select_option(label="By request, approved by coordinators")
        form.get_by_label("Who sees the group").select_option(label="Shown to everyone who can see the community")
        form.get_by_label("Municipality").check()
        click(console, form.get_by_role("button", name="Create the group"))
        group = Group.objects.get(community=community, name=GROUP)
        assert group.eligible_organization_kinds == [Organization.Kind.MUNICIPALITY]
        assert group.join_policy == Community.JoinPolicy.APPROVAL
        assert group.kind == Group.Kind.COORDINATION
        assert console.get_by_text(GROUP).first.is_visible()
        checked(console)

        # --- The community page and its accent colour ---------------------------------------------------
        console_tab(console, "Community page")
        checked(console)
        form = console.locator("main form").first
        form.get_by_label("Description", exact=True).fill("Municipalities rebuilding their services together.")
        form.get_by_label("Accent colour").fill("#ffcc00")
        click(console, form.get_by_role("button", name="Save the community page"))
        refusal = console.get_by_text("1.51:1")
        assert refusal.first.is_visible(), "the pale accent is refused with its ratio"
        assert console.get_by_text("WCAG AA").first.is_visible()
        community.refresh_from_db()
        assert community.accent_color == "#1f5f8b", "nothing is saved with a refused accent"
        assert community.description != "Municipalities rebuilding their services together."
        assert_no_axe_violations(console)  # the refusal itself is accessible

        form = console.locator("main form").first
        form.get_by_label("Description", exact=True).fill("Municipalities rebuilding their services together.")
        form.get_by_label("Accent colour").fill("#2e6b30")
        click(console, form.get_by_role("button", name="Save the community page"))
        community.refresh_from_db()
        assert community.accent_color == "#2e6b30"
        assert community.description == "Municipalities rebuilding their services together."
        checked(console)

        # --- Three invitations, each in the invitee's language -------------------------------------------
        console_tab(console, "Onboarding")
        checked(console)
        mail.outbox.clear()
        pasted = "name,email,language\n" + "\n".join(
            f"{email.split('@')[0].title()},{email},{language}" for email, language in INVITEES.items()
        )
        console.get_by_label("Addresses").fill(pasted)
        click(console, console.get_by_role("button", name="Preview"))
        assert console.get_by_text("3 invitations will be sent.").is_visible()
        assert console.locator("table tbody tr").count() == 3
        checked(console)  # the preview is a POST answer: checked here, not revisited in Arabic
        visited.pop()
        click(console, console.get_by_role("button", name="Invite 3 people"))
        assert Invitation.objects.filter(community=community).count() == 3
        invitations = [m for m in mail.outbox if any(s in m.subject for s in INVITATION_SUBJECTS.values())]
        assert sorted(m.to[0] for m in invitations) == sorted(INVITEES)
        for message in invitations:
            language = INVITEES[message.to[0]]
            assert message.extra_headers["Content-Language"] == language
            assert INVITATION_SUBJECTS[language] in message.subject

        # --- The newcomer proposes their organisation and asks to join the reserved group ----------------
        person = newcomer_context.new_page()
        login(person, live_server, newcomer, PASSWORD)
        goto(person, f"{base}/people/profile/")
        click(person, person.get_by_role("link", name="My organisation is not listed"))
        assert_no_axe_violations(person)
        form = person.locator("main form").last
        form.get_by_label("Name").fill(PROPOSAL)
        form.get_by_label("Kind").select_option(label="Municipality")
        form.get_by_label("City").fill("Nuovo Borgo")
        form.get_by_label("Country").select_option("IT")
        click(person, form.get_by_role("button", name="Propose it and set it on my profile"))
        newcomer.refresh_from_db()
        assert newcomer.organization.name == PROPOSAL and not newcomer.organization.is_verified

        goto(person, f"{base}/c/{community.slug}/")
        click(person, person.locator("main").get_by_role("link", name=GROUP).first)
        assert person.get_by_role("heading", name=GROUP, level=1).is_visible()
        person.get_by_label("Message to the coordinators (optional)").fill("I work for the Comune di Nuovo Borgo.")
        click(person, person.locator("section.membership-state button[type=submit]", has_text="Ask to join"))
        assert person.get_by_text("Your request is waiting for approval").is_visible()
        request = Membership.objects.get(user=newcomer, group=group)
        assert request.status == Membership.Status.PENDING
        assert_no_axe_violations(person)

        # --- The coordinator verifies the organisation, then approves ------------------------------------
        console_tab(console, "Organisations")
        proposal = console.locator("li", has=console.get_by_role("heading", name=PROPOSAL))
        assert proposal.get_by_label("Kind").input_value() == Organization.Kind.MUNICIPALITY
        checked(console)
        click(console, proposal.get_by_role("button", name="Verify"))
        assert Organization.objects.get(name=PROPOSAL).is_verified

        console_tab(console, "Members and requests")
        item = console.locator("li.request-item", has_text="Nadia Nuova")
        assert item.get_by_text(f"asks to join the group {GROUP}").is_visible()
        assert item.get_by_text(PROPOSAL, exact=True).is_visible()
        click(console, item.get_by_role("button", name="Approve"))
        assert console.get_by_text("No request is waiting.").is_visible()
        request.refresh_from_db()
        assert request.status == Membership.Status.ACTIVE

        console_tab(console, "History")
        for what in (GROUP, "#2e6b30", PROPOSAL):
            assert console.locator("main").get_by_text(what).first.is_visible(), what
        assert CommunityEvent.objects.filter(community=community, action=CommunityEvent.Action.GROUP_CREATED).exists()
        checked(console)

        # --- The newcomer sees the group page as a member ------------------------------------------------
        person.reload()
        assert person.get_by_text("You are a member").first.is_visible()
        members = person.locator("section", has=person.get_by_role("heading", name="Members", exact=True))
        assert members.get_by_text("Nadia Nuova").is_visible()
        assert_no_axe_violations(person)

        # --- The same console pages in Arabic, switched with the portal's language switcher --------------
        switcher = console.locator("form.language-switcher")
        switcher.get_by_label("Language").select_option("ar")
        click(console, switcher.get_by_role("button"))
        coordinator.refresh_from_db()
        assert coordinator.language == "ar"
        assert html_attributes(console) == {"lang": "ar", "dir": "rtl"}
        for path in visited:
            goto(console, base + path)
            assert html_attributes(console) == {"lang": "ar", "dir": "rtl"}, path
            assert_no_axe_violations(console)
    finally:
        coordinator_context.close()
        newcomer_context.close()
