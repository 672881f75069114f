"""Gaps found auditing issue 13 as the launch communities' coordinators would use the console."""

import pytest
from django.core import mail
from django.urls import reverse

from communities.models import Community, Membership
from communities.services import facilitator_name
from tests.factories import CommunityFactory, GroupFactory, UserFactory, make_member

pytestmark = pytest.mark.django_db

Role = Membership.Role


@pytest.fixture
def space(db):
    """REBUILD-like: a coordinator, two teams (one with its facilitator), a plain member and an outsider."""
    community = CommunityFactory(slug="rebuild", name="REBUILD", join_policy=Community.JoinPolicy.OPEN)
    coordinator = make_member(community, UserFactory(full_name="Cora Coordinator"), role=Role.COORDINATOR)
    team = GroupFactory(community=community, slug="team-1", name="Team 1")
    other = GroupFactory(community=community, slug="team-2", name="Team 2")
    facilitator = make_member(community, UserFactory(full_name="Fabio Facilitator"))
    make_member(community, facilitator, role=Role.FACILITATOR, group=team)
    member = make_member(community, UserFactory(full_name="Mia Member", language="it"))
    return {
        "community": community,
        "coordinator": coordinator,
        "facilitator": facilitator,
        "member": member,
        "team": team,
        "other": other,
    }


# --- Naming a facilitator tells the person, once, in their language ---------------------------------------


def test_a_brand_new_facilitator_is_told_once_in_their_language(space, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        facilitator_name(group=space["other"], user=space["member"], by=space["coordinator"])
    with django_capture_on_commit_callbacks(execute=True):
        facilitator_name(group=space["other"], user=space["member"], by=space["coordinator"])  # again: no email

    (message,) = mail.outbox
    assert message.to == [space["member"].email]
    assert message.extra_headers["Content-Language"] == "it"
    assert "Team 2" in message.subject
    assert "(it was: )" not in message.body


def test_a_member_of_the_group_raised_to_facilitator_is_told_once(space, django_capture_on_commit_callbacks):
    make_member(space["community"], space["member"], group=space["other"])
    with django_capture_on_commit_callbacks(execute=True):
        facilitator_name(group=space["other"], user=space["member"], by=space["coordinator"])

    (message,) = mail.outbox
    assert message.to == [space["member"].email]
    assert message.extra_headers["Content-Language"] == "it"


def test_naming_from_the_console_sends_the_email(client, space, django_capture_on_commit_callbacks):
    client.force_login(space["coordinator"])
    path = reverse(
        "communities:manage_group_facilitator_add",
        kwargs={"community_slug": "rebuild", "group_slug": space["other"].slug},
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(path, {"user": space["member"].pk})
    assert [message.to for message in mail.outbox] == [[space["member"].email]]


# --- An archived group: its open invitations are withdrawn, nothing is announced to it ----------------------


def test_archiving_a_group_withdraws_its_open_invitations_once(space):
    from communities.models import CommunityEvent, Invitation
    from communities.services import group_archive, invitation_create

    team, coordinator = space["team"], space["coordinator"]
    open_one = invitation_create(community=space["community"], group=team, email="new@example.org", by=coordinator)
    elsewhere = invitation_create(
        community=space["community"], group=space["other"], email="new@example.org", by=coordinator
    )

    group_archive(group=team, by=coordinator)
    group_archive(group=team, by=coordinator)  # again: nothing more

    open_one.refresh_from_db()
    elsewhere.refresh_from_db()
    assert open_one.revoked_at is not None
    assert elsewhere.revoked_at is None
    assert not Invitation.objects.open().filter(group=team).exists()
    [event] = CommunityEvent.objects.filter(action=CommunityEvent.Action.GROUP_ARCHIVED)
    assert event.changes == {"archived": [False, True], "open_invitations": [1, 0]}


def test_archiving_a_group_declines_its_pending_requests_telling_each_requester_once(
    space, django_capture_on_commit_callbacks
):
    from communities.models import CommunityEvent, Membership
    from communities.services import group_archive, membership_request

    team, coordinator, member = space["team"], space["coordinator"], space["member"]
    team.join_policy = Community.JoinPolicy.APPROVAL
    team.save()
    request = membership_request(user=member, community=space["community"], group=team)
    assert request.status == Membership.Status.PENDING

    with django_capture_on_commit_callbacks(execute=True):
        group_archive(group=team, by=coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        group_archive(group=team, by=coordinator)  # again: nothing more

    request.refresh_from_db()
    assert request.status == Membership.Status.DECLINED
    assert "Team 1" in request.decision_reason and "archiviato" in request.decision_reason  # in Mia's Italian
    (message,) = [m for m in mail.outbox if m.to == [member.email]]
    assert message.extra_headers["Content-Language"] == "it"
    [event] = CommunityEvent.objects.filter(action=CommunityEvent.Action.GROUP_ARCHIVED)
    assert event.changes["pending_requests"] == [1, 0]


def test_nothing_is_announced_to_an_archived_group(space, django_capture_on_commit_callbacks):
    from communities.services import group_archive
    from discussions.models import Announcement
    from discussions.services import AudienceChoice, DiscussionError, announcement_send
    from discussions.services.announcements import announcement_groups

    team, coordinator = space["team"], space["coordinator"]
    group_archive(group=team, by=coordinator)

    assert list(announcement_groups(user=coordinator, community=space["community"])) == [space["other"]]
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(DiscussionError) as caught:
        announcement_send(
            community=space["community"],
            by=coordinator,
            audience=AudienceChoice(kind="group", group=team),
            title="Meeting moved",
            body="Tuesday.",
        )
    assert caught.value.code == "group_archived"
    assert not Announcement.objects.exists()
    assert mail.outbox == []


# --- Renaming or merging a theme carries its followers along --------------------------------------------


@pytest.mark.parametrize("how", ["rename", "merge"])
def test_followers_of_a_renamed_or_merged_theme_follow_the_new_name(space, how):
    from taggit.models import Tag

    from communities.models import Theme
    from communities.services import theme_add, theme_merge, theme_rename
    from knowledge.models import Follow

    community, coordinator = space["community"], space["coordinator"]
    community.visibility = Community.Visibility.MEMBERS
    community.save(update_fields=["visibility"])
    space["team"].themes.set(["welfare"])
    old_tag = Tag.objects.get(name="welfare")
    member, stranger = space["member"], UserFactory(full_name="Stella Stranger")
    Follow.objects.create(user=member, theme=old_tag)
    Follow.objects.create(user=stranger, theme=old_tag)  # follows the name, cannot see this community
    theme = theme_add(community=community, by=coordinator, name="welfare")

    if how == "rename":
        theme_rename(theme=theme, by=coordinator, name="welfare di comunità")
        theme_rename(theme=Theme.objects.get(pk=theme.pk), by=coordinator, name="welfare di comunità")  # again
    else:
        into = theme_add(community=community, by=coordinator, name="welfare di comunità")
        theme_merge(theme=theme, into=into, by=coordinator)
        theme_merge(theme=theme, into=into, by=coordinator)  # again

    new_tag = Tag.objects.get(name="welfare di comunità")
    assert set(Follow.objects.filter(theme=new_tag).values_list("user__full_name", flat=True)) == {"Mia Member"}
    assert Follow.objects.filter(theme=old_tag).count() == 2  # the old name is still followed (other communities)


# --- The console menu: a facilitator sees only what they may open; every page marks itself ------------------

COORDINATOR_ONLY_PAGES = [
    "manage_history",
    "manage_organisations",
    "manage_page",
    "manage_themes",
    "manage_partners",
    "manage_labels",
    "manage_group_new",
    "manage_webhooks",
    "manage_webhook_add",
]


def _nav_links(html: str) -> list[tuple[str, bool]]:
    """Return (href, is current) for each link of the console's menu in html."""
    import re

    nav = re.search(r'<nav aria-label="Console".*?</nav>', html, re.S).group(0)
    return [
        (href, "aria-current" in attrs)
        for attrs, href in re.findall(r'<a ([^>]*?)href="([^"]+)"', nav.replace('" href', '"  href'))
    ]


@pytest.mark.parametrize("who", ["coordinator", "facilitator"])
def test_every_tab_of_the_menu_opens_and_marks_itself_as_the_current_page(client, space, who):
    client.force_login(space[who])
    start = reverse("communities:manage", kwargs={"community_slug": "rebuild"})
    tabs = [href for href, _current in _nav_links(client.get(start).content.decode())]
    assert len(tabs) == (11 if who == "coordinator" else 3)  # translations (issue 17), webhooks (issue 18)
    for href in tabs:
        response = client.get(href)
        assert response.status_code == 200, href
        links = _nav_links(response.content.decode())
        assert [link for link, current in links if current] == [href], href


def test_a_facilitator_gets_404_on_the_coordinators_pages_and_sees_only_their_groups(client, space):
    client.force_login(space["facilitator"])
    for name in COORDINATOR_ONLY_PAGES:
        assert client.get(reverse(f"communities:{name}", kwargs={"community_slug": "rebuild"})).status_code == 404
    other_edit = reverse(
        "communities:manage_group_edit", kwargs={"community_slug": "rebuild", "group_slug": space["other"].slug}
    )
    assert client.get(other_edit).status_code == 404
    groups_page = client.get(reverse("communities:manage_groups", kwargs={"community_slug": "rebuild"}))
    assert "Team 1" in groups_page.content.decode() and "Team 2" not in groups_page.content.decode()
    onboarding = client.get(reverse("communities:manage_onboarding", kwargs={"community_slug": "rebuild"}))
    assert onboarding.status_code == 200 and "Team 2" not in onboarding.content.decode()


# --- The console's overview --------------------------------------------------------------------------------


def _overview(html: str) -> dict[str, tuple[str, str]]:
    """Return {label: (count, href)} of the console's overview in html."""
    import re

    section = re.search(r'aria-labelledby="overview-heading".*?</section>', html, re.S).group(0)
    return {
        label: (count, href)
        for href, count, label in re.findall(
            r'<a [^>]*href="([^"]+)"><span[^>]*>(\d+)</span> <span>([^<]+)</span></a>', section
        )
    }


def test_the_console_opens_on_an_overview_of_what_awaits_the_coordinator(client, space):
    from communities.services import group_archive, invitation_create, membership_request
    from members.models import Organization
    from tests.factories import OrganizationFactory

    community, coordinator = space["community"], space["coordinator"]
    community.join_policy = Community.JoinPolicy.APPROVAL
    community.eligible_organization_kinds = [Organization.Kind.MUNICIPALITY]
    community.save(update_fields=["join_policy", "eligible_organization_kinds"])
    newcomer = UserFactory(full_name="Nina Newcomer")
    newcomer.organization = OrganizationFactory(
        name="Comune di Prova", kind=Organization.Kind.MUNICIPALITY, is_verified=False, proposed_by=newcomer
    )
    newcomer.save(update_fields=["organization"])
    membership_request(user=newcomer, community=community)
    invitation_create(community=community, email="a@example.org", by=coordinator)
    invitation_create(community=community, email="b@example.org", by=coordinator)
    GroupFactory(community=community, slug="team-3", name="Team 3")
    group_archive(group=GroupFactory(community=community, slug="old", name="Old team"), by=coordinator)
    client.force_login(coordinator)

    overview = _overview(
        client.get(reverse("communities:manage", kwargs={"community_slug": "rebuild"})).content.decode()
    )

    assert overview == {
        "Pending requests": ("1", "#requests-heading"),
        "Groups": ("3", "/c/rebuild/manage/groups/"),
        "Open invitations": ("2", "#invitations-heading"),
        "Organisations awaiting verification": ("1", "/c/rebuild/manage/organisations/"),
    }


def test_a_facilitator_s_overview_counts_their_groups_only(client, space):
    client.force_login(space["facilitator"])
    overview = _overview(
        client.get(reverse("communities:manage", kwargs={"community_slug": "rebuild"})).content.decode()
    )
    assert overview == {
        "Pending requests": ("0", "#requests-heading"),
        "Your groups": ("1", "/c/rebuild/manage/groups/"),
        "Open invitations": ("0", "#invitations-heading"),
    }


def test_the_overview_keeps_its_query_count_with_many_proposals(client, space, django_assert_max_num_queries):
    from members.models import Organization
    from tests.factories import OrganizationFactory

    community = space["community"]
    community.eligible_organization_kinds = [Organization.Kind.MUNICIPALITY]
    community.save(update_fields=["eligible_organization_kinds"])

    def propose(count):
        for _n in range(count):
            person = make_member(community)
            person.organization = OrganizationFactory(is_verified=False, proposed_by=person)
            person.save(update_fields=["organization"])

    client.force_login(space["coordinator"])
    path = reverse("communities:manage", kwargs={"community_slug": "rebuild"})
    propose(1)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    propose(12)
    with django_assert_max_num_queries(len(queries)):
        client.get(path)


# --- The history names each change in the reader's language -------------------------------------------------


def test_the_history_names_changes_by_their_label_not_the_field_s_code(client, space):
    from django.utils import translation

    from communities.models import CommunityEvent
    from communities.services import group_archive, invitation_create

    community, coordinator = space["community"], space["coordinator"]
    CommunityEvent.objects.create(
        community=community,
        actor=coordinator,
        action=CommunityEvent.Action.COMMUNITY_UPDATED,
        changes={"accent_color": ["#1f5f8b", "#2e6b30"]},
    )
    invitation_create(community=community, group=space["team"], email="new@example.org", by=coordinator)
    group_archive(group=space["team"], by=coordinator)
    client.force_login(coordinator)
    path = reverse("communities:manage_history", kwargs={"community_slug": "rebuild"})

    html = client.get(path).content.decode()
    assert "<dt>Accent colour</dt>" in html and "<dt>open invitations</dt>" in html
    assert "accent_color" not in html and "open_invitations" not in html

    coordinator.language = "it"
    coordinator.save(update_fields=["language"])
    with translation.override("it"):
        html = client.get(path, HTTP_ACCEPT_LANGUAGE="it").content.decode()
    assert "<dt>Colore distintivo</dt>" in html
