"""Joining in a real Chromium: a request approved on the console, and an invitation that signs a new person up."""

import re

import pytest
from django.core import mail

from communities.models import Community, Membership
from communities.services import invitation_create
from tests.browser import assert_no_axe_violations, login
from tests.factories import CommunityFactory, GroupFactory, OrganizationFactory, UserFactory, make_member

pytestmark = pytest.mark.browser

PASSWORD = "a-long-test-password"


@pytest.fixture
def approval_cop(transactional_db):
    community = CommunityFactory(
        slug="approval-cop",
        name="Approval CoP",
        join_policy=Community.JoinPolicy.APPROVAL,
        visibility=Community.Visibility.MEMBERS,
    )
    GroupFactory(community=community, name="Pilot projects")
    coordinator = make_member(
        community, UserFactory(full_name="Cora Coordinator", email="cora@example.org"), role=Membership.Role.COORDINATOR
    )
    return community, coordinator


def test_a_request_approved_on_the_console_opens_the_members_directory(browser, live_server, approval_cop):
    community, coordinator = approval_cop
    person = UserFactory(full_name="Pat Person", organization=OrganizationFactory(name="Comune di Prova"))
    members_url = f"{live_server.url}/c/{community.slug}/members/"
    person_context = browser.new_context(locale="en-GB")
    coordinator_context = browser.new_context(locale="en-GB")
    try:
        page = person_context.new_page()
        login(page, live_server, person, PASSWORD)
        assert page.goto(members_url).status == 404, "the members' directory is closed before approval"

        page.goto(f"{live_server.url}/c/{community.slug}/")
        page.get_by_label("Message to the coordinators (optional)").fill("We run a pilot in Prova.")
        page.locator("section.membership-state button[type=submit]", has_text="Ask to join").click()
        page.wait_for_load_state()
        assert page.get_by_text("Your request is waiting for approval").is_visible()
        assert_no_axe_violations(page)

        console = coordinator_context.new_page()
        login(console, live_server, coordinator, PASSWORD)
        console.goto(f"{live_server.url}/c/{community.slug}/manage/")
        request = console.locator("li.request-item", has_text="Pat Person")
        assert request.get_by_text("We run a pilot in Prova.").is_visible()
        assert_no_axe_violations(console)
        request.get_by_role("button", name="Approve").click()
        console.wait_for_load_state()
        assert console.get_by_text("Pat Person is now a member.").is_visible()
        assert console.get_by_text("No request is waiting.").is_visible()

        page.goto(f"{live_server.url}/c/{community.slug}/")
        assert page.get_by_text("You are a member").first.is_visible()
        assert page.get_by_role("heading", name="Groups").is_visible()
        page.get_by_role("link", name="Pilot projects").click()
        page.wait_for_load_state()
        assert page.get_by_role("heading", name="Pilot projects").is_visible()
        assert_no_axe_violations(page)
        page.get_by_role("link", name="Approval CoP").first.click()
        page.wait_for_load_state()
        page.get_by_role("link", name="Member directory").click()
        page.wait_for_load_state()
        assert page.url == members_url
        assert page.get_by_text("Cora Coordinator").first.is_visible()

        page.goto(f"{live_server.url}/me/")
        assert page.get_by_role("link", name="Approval CoP", exact=True).is_visible()
        assert_no_axe_violations(page)
    finally:
        person_context.close()
        coordinator_context.close()


def _path_in(message, pattern: str) -> str:
    match = re.search(rf"https?://[^/\s]+({pattern}[^\s]*)", message.body)
    assert match, f"no link matching {pattern} in:\n{message.body}"
    return match.group(1)


def test_an_invitation_link_signs_a_new_person_up_into_the_community(page, live_server, approval_cop):
    community, coordinator = approval_cop
    invitation_create(
        community=community, email="nora@example.org", role=Membership.Role.MEMBER, by=coordinator, message="Welcome!"
    )
    (invitation_email,) = [message for message in mail.outbox if message.to == ["nora@example.org"]]

    page.goto(live_server.url + _path_in(invitation_email, "/invitations/"))
    assert page.get_by_role("heading", name="You are invited to join Approval CoP").is_visible()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Create my account and accept").click()
    page.wait_for_load_state()
    assert "/accounts/signup/" in page.url

    page.fill("input[name=full_name]", "Nora Newcomer")
    page.fill("input[name=email]", "nora@example.org")
    page.fill("input[name=password1]", "Correct-Horse-Battery-9")
    page.fill("input[name=password2]", "Correct-Horse-Battery-9")
    page.locator("form[action*='/accounts/signup/'] button[type=submit]").click()
    page.wait_for_load_state()

    confirmation = next(
        message for message in mail.outbox if message.to == ["nora@example.org"] and "confirm-email" in message.body
    )
    page.goto(live_server.url + _path_in(confirmation, "/accounts/confirm-email/"))
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()

    assert page.url == f"{live_server.url}/c/{community.slug}/"
    assert page.get_by_text("Welcome to Approval CoP!").is_visible()
    assert page.get_by_text("You are a member").first.is_visible()
    membership = Membership.objects.get(user__email="nora@example.org", group=None)
    assert membership.status == Membership.Status.ACTIVE


def test_the_directory_filters_work_without_javascript_and_pass_axe(browser, live_server, transactional_db):
    open_one = CommunityFactory(name="Open network", countries=["IT"], languages=["it"])
    open_one.themes.add("Energy")
    CommunityFactory(name="Reserved network", countries=["LY"], eligible_organization_kinds=["municipality"])
    context = browser.new_context(java_script_enabled=False, locale="en-GB")
    try:
        page = context.new_page()
        page.goto(live_server.url + "/")
        page.select_option("#id_access", "reserved")
        page.get_by_role("button", name="Search").click()
        page.wait_for_load_state()

        assert page.locator("article.community-card h2").all_inner_texts() == ["Reserved network"]
        assert "access=reserved" in page.url
    finally:
        context.close()
    axe_page = browser.new_page()
    try:
        axe_page.goto(live_server.url + "/?theme=energy")
        assert axe_page.locator("article.community-card h2").all_inner_texts() == ["Open network"]
        assert_no_axe_violations(axe_page)
    finally:
        axe_page.close()
