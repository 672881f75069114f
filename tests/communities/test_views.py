"""Community home, group page, join/leave buttons and the coordinator console, through the test client."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communities import hooks
from communities.models import Community, Invitation, Membership, MembershipEvent, PartnerRole, Partnership
from communities.services import invitation_create, membership_decline, membership_request
from members.models import Organization
from tests.factories import CommunityFactory, GroupFactory, OrganizationFactory, UserFactory, make_member

pytestmark = pytest.mark.django_db

Role = Membership.Role
Status = Membership.Status


def home(community):
    return reverse("communities:home", kwargs={"community_slug": community.slug})


def join_url(community, group=None):
    if group:
        return reverse("communities:group_join", kwargs={"community_slug": community.slug, "group_slug": group.slug})
    return reverse("communities:join", kwargs={"community_slug": community.slug})


def leave_url(community, group=None):
    if group:
        return reverse("communities:group_leave", kwargs={"community_slug": community.slug, "group_slug": group.slug})
    return reverse("communities:leave", kwargs={"community_slug": community.slug})


def manage_url(community, name="manage", **kwargs):
    return reverse(f"communities:{name}", kwargs={"community_slug": community.slug, **kwargs})


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# --- Community home: the visitor's own state -------------------------------------------------------------


def test_an_anonymous_visitor_is_invited_to_sign_in_to_join(client, open_community):
    page = client.get(home(open_community)).content.decode()

    assert f'href="/accounts/login/?next={join_url(open_community)}"' in page
    assert "Sign in to join" in page
    assert f'action="{join_url(open_community)}"' not in page


def test_a_signed_in_outsider_joins_an_open_community_with_the_button(client, open_community, person):
    client.force_login(person)
    page = client.get(home(open_community)).content.decode()
    assert f'action="{join_url(open_community)}"' in page

    response = client.post(join_url(open_community), {"next": home(open_community)}, follow=True)

    assert response.redirect_chain[-1][0] == home(open_community)
    assert Membership.objects.get(user=person, group=None).status == Status.ACTIVE
    assert "Welcome to Open CoP!" in messages_of(response)
    assert "You are a member" in response.content.decode()
    assert f'action="{leave_url(open_community)}"' in response.content.decode()


def test_requesting_to_join_with_a_message_shows_the_pending_state(client, approval_community, person):
    client.force_login(person)

    response = client.post(join_url(approval_community), {"message": "We are a partner city."}, follow=True)

    membership = Membership.objects.get(user=person)
    assert (membership.status, membership.message) == (Status.PENDING, "We are a partner city.")
    assert "Your request is waiting for approval" in response.content.decode()
    assert "Withdraw my request" in response.content.decode()


def test_a_double_submitted_request_makes_one(client, approval_community, person):
    client.force_login(person)

    client.post(join_url(approval_community), {"message": "one"})
    client.post(join_url(approval_community), {"message": "two"})

    assert Membership.objects.filter(user=person).count() == 1
    assert MembershipEvent.objects.filter(membership__user=person).count() == 1


def test_a_declined_person_sees_the_reason_and_may_ask_again(client, approval_community, coordinator, person):
    membership_decline(
        membership=membership_request(user=person, community=approval_community),
        by=coordinator,
        reason="Only municipalities this year",
    )
    client.force_login(person)

    page = client.get(home(approval_community)).content.decode()

    assert "Your last request to join was declined." in page
    assert "Only municipalities this year" in page
    assert "Ask to join" in page


def test_an_ineligible_person_sees_why_and_gets_no_button(client, person):
    reserved = CommunityFactory(
        name="Enti locali", eligible_organization_kinds=[Organization.Kind.REGION], join_policy="approval"
    )
    client.force_login(person)

    page = client.get(home(reserved)).content.decode()

    assert "Enti locali is reserved to people from these kinds of organisation: Region." in page
    assert f'action="{join_url(reserved)}"' not in page


def test_an_ineligible_person_posting_anyway_changes_nothing_and_reads_why(client, person):
    reserved = CommunityFactory(name="Regions", eligible_organization_kinds=[Organization.Kind.REGION])
    client.force_login(person)

    response = client.post(join_url(reserved), follow=True)

    assert not Membership.objects.filter(user=person).exists()
    assert any("reserved" in message for message in messages_of(response))


def test_an_invited_person_sees_the_invitation_and_accepts_it_from_the_home(
    client, approval_community, coordinator, person
):
    invitation = invitation_create(community=approval_community, email=person.email, by=coordinator)
    client.force_login(person)

    page = client.get(home(approval_community)).content.decode()
    assert "You are invited" in page
    response = client.post(reverse("me:invitation_accept", kwargs={"invitation_pk": invitation.pk}), follow=True)

    assert response.redirect_chain[-1][0] == home(approval_community)
    assert Membership.objects.get(user=person).status == Status.ACTIVE


def test_an_invitation_only_community_says_so(client, person):
    closed = CommunityFactory(join_policy=Community.JoinPolicy.INVITATION)
    client.force_login(person)

    response = client.post(join_url(closed), follow=True)

    assert "By invitation only" in response.content.decode()
    assert any("invitation only" in message for message in messages_of(response))
    assert not Membership.objects.filter(user=person).exists()


def test_the_join_page_works_without_javascript_for_anonymous_and_members(client, approval_community, person):
    anonymous = client.get(join_url(approval_community))
    client.force_login(person)
    signed_in = client.get(join_url(approval_community))

    assert anonymous.status_code == 200 and "Sign in to join" in anonymous.content.decode()
    assert signed_in.status_code == 200 and 'name="message"' in signed_in.content.decode()


def test_a_too_long_message_is_refused_and_changes_nothing(client, approval_community, person):
    client.force_login(person)

    response = client.post(join_url(approval_community), {"message": "x" * 2001})

    assert response.status_code == 400
    assert "at most 2000 characters" in response.content.decode()
    assert not Membership.objects.filter(user=person).exists()


def test_an_anonymous_post_to_join_is_sent_to_sign_in(client, open_community):
    response = client.post(join_url(open_community))

    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert not Membership.objects.exists()


# --- Leaving ------------------------------------------------------------------------------------------------


def test_a_member_leaves_with_the_button(client, open_community):
    member = make_member(open_community)
    client.force_login(member)

    assert "Leave <bdi>Open CoP</bdi>?" in client.get(leave_url(open_community)).content.decode()
    response = client.post(leave_url(open_community), follow=True)

    assert Membership.objects.get(user=member).status == Status.LEFT
    assert "You left Open CoP." in messages_of(response)


def test_the_last_coordinator_is_told_they_cannot_leave(client, approval_community, coordinator):
    client.force_login(coordinator)

    response = client.post(leave_url(approval_community), follow=True)

    assert Membership.objects.get(user=coordinator).status == Status.ACTIVE
    assert any("make someone else coordinator first" in message for message in messages_of(response))


def test_someone_who_is_not_a_member_gets_404_on_leave(client, open_community, person):
    client.force_login(person)

    assert client.get(leave_url(open_community)).status_code == 404
    assert client.post(leave_url(open_community)).status_code == 404


def test_leaving_a_hidden_community_lands_on_my_page(client):
    hidden = CommunityFactory(visibility=Community.Visibility.HIDDEN)
    member = make_member(hidden)
    client.force_login(member)

    response = client.post(leave_url(hidden))

    assert response["Location"] == reverse("me:dashboard")


# --- Groups ---------------------------------------------------------------------------------------------------


def test_the_group_page_lists_its_listed_members_and_offers_the_join_button(client, approval_community, open_group):
    shown = make_member(approval_community, UserFactory(full_name="Shown Person"), group=open_group)
    make_member(
        approval_community, UserFactory(full_name="Private Person", listed_in_directory=False), group=open_group
    )
    visitor = make_member(approval_community)
    client.force_login(visitor)

    page = client.get(open_group.get_absolute_url()).content.decode()

    assert shown.full_name in page and "Private Person" not in page
    assert f'action="{join_url(approval_community, open_group)}"' in page


def test_joining_a_group_from_the_community_home_comes_back_there(client, approval_community, open_group):
    member = make_member(approval_community)
    client.force_login(member)
    page = client.get(home(approval_community)).content.decode()
    assert f'action="{join_url(approval_community, open_group)}"' in page

    response = client.post(join_url(approval_community, open_group), {"next": home(approval_community)})

    assert response["Location"] == home(approval_community)
    assert Membership.objects.get(user=member, group=open_group).status == Status.ACTIVE


def test_an_outsider_of_an_approval_community_is_told_to_join_it_before_its_groups(
    client, approval_community, open_group, person
):
    client.force_login(person)

    page = client.get(open_group.get_absolute_url()).content.decode()
    response = client.post(join_url(approval_community, open_group), follow=True)

    assert "Join the community first" in page
    assert any("first" in message for message in messages_of(response))
    assert not Membership.objects.filter(user=person).exists()


def test_a_group_of_an_open_community_joins_both_at_once(client, open_community, person):
    group = GroupFactory(community=open_community)
    client.force_login(person)

    page = client.get(group.get_absolute_url()).content.decode()
    client.post(join_url(open_community, group))

    assert "and the community" in page
    assert Membership.objects.filter(user=person, status=Status.ACTIVE).count() == 2


def test_a_member_leaves_a_group_but_stays_in_the_community(client, approval_community, open_group):
    member = make_member(approval_community, group=open_group)
    client.force_login(member)

    client.post(leave_url(approval_community, open_group))

    assert dict(Membership.objects.filter(user=member).values_list("group", "status")) == {
        None: Status.ACTIVE,
        open_group.pk: Status.LEFT,
    }


def test_groups_of_a_members_only_community_are_404_for_outsiders(client, person):
    restricted = CommunityFactory(visibility=Community.Visibility.MEMBERS)
    group = GroupFactory(community=restricted)
    client.force_login(person)

    assert client.get(group.get_absolute_url()).status_code == 404
    assert client.post(join_url(restricted, group)).status_code == 404
    assert not Membership.objects.filter(user=person).exists()


# --- Community home content -------------------------------------------------------------------------------


def test_the_home_shows_leaders_partners_by_role_and_empty_sections(
    client, approval_community, coordinator, open_group
):
    facilitator = make_member(
        approval_community, UserFactory(full_name="Fay Facilitator"), group=open_group, role=Role.FACILITATOR
    )
    city, university = (
        PartnerRole.objects.create(community=approval_community, name="Multiply City", order=1),
        (PartnerRole.objects.create(community=approval_community, name="Partner university", order=2)),
    )
    Partnership.objects.create(
        community=approval_community, role=city, organization=OrganizationFactory(name="Comune di Padova")
    )
    Partnership.objects.create(
        community=approval_community, role=university, organization=OrganizationFactory(name="Università di Bologna")
    )

    page = client.get(home(approval_community)).content.decode()

    assert coordinator.full_name in page and facilitator.full_name in page
    assert page.index("Multiply City") < page.index("Comune di Padova") < page.index("Partner university")
    assert page.index("Partner university") < page.index("Università di Bologna")
    assert "Upcoming meetings" in page and "No upcoming meetings." in page
    assert "Latest knowledge" in page and "Nothing has been shared yet." in page


def test_the_console_link_shows_for_coordinators_only(client, approval_community, coordinator):
    member = make_member(approval_community)
    client.force_login(member)
    assert manage_url(approval_community) not in client.get(home(approval_community)).content.decode()

    client.force_login(coordinator)
    assert manage_url(approval_community) in client.get(home(approval_community)).content.decode()


def _seed_home(community, size):
    role = PartnerRole.objects.create(community=community, name=f"Role {size}")
    for n in range(size):
        group = GroupFactory(community=community, join_policy="approval" if n % 2 else "open")
        make_member(community, role=Role.FACILITATOR, group=group)
        Partnership.objects.create(community=community, role=role, organization=OrganizationFactory())


def _home_queries(client, community) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(home(community)).status_code == 200
    return len(queries)


def test_the_community_home_runs_the_same_number_of_queries_with_more_groups_and_partners(
    client, django_assert_num_queries
):
    small, large = CommunityFactory(), CommunityFactory()
    _seed_home(small, 2)
    _seed_home(large, 20)
    viewer = UserFactory(organization=OrganizationFactory())
    make_member(small, viewer)
    make_member(large, viewer)
    client.force_login(viewer)
    _home_queries(client, small)  # warm up the session and content types

    expected = _home_queries(client, small)
    with django_assert_num_queries(expected):
        client.get(home(large))


def test_a_higher_app_fills_the_home_sections_through_the_hook(client, open_community):
    def provider(*, request, community):
        return {"home_meetings_template": "communities/partials/_home_knowledge.html", "hooked_for": community.slug}

    hooks.register_home_context(provider)
    try:
        response = client.get(home(open_community))
    finally:
        hooks._home_context_providers.remove(provider)

    assert response.context["hooked_for"] == open_community.slug
    assert "No meeting is scheduled yet." not in response.content.decode()


# --- Coordinator console ------------------------------------------------------------------------------------


def test_the_console_is_404_for_members_and_outsiders_and_asks_anonymous_to_sign_in(client, approval_community):
    member, outsider = make_member(approval_community), UserFactory()

    assert client.get(manage_url(approval_community))["Location"].startswith("/accounts/login/")
    for user in (member, outsider):
        client.force_login(user)
        assert client.get(manage_url(approval_community)).status_code == 404


def test_the_coordinator_approves_a_request_from_the_console(client, approval_community, coordinator, person):
    membership_request(user=person, community=approval_community, message="Please let me in")
    client.force_login(coordinator)

    console = client.get(manage_url(approval_community)).content.decode()
    request = Membership.objects.get(user=person)
    approve = manage_url(approval_community, "manage_approve", membership_pk=request.pk)
    assert "Please let me in" in console and f'action="{approve}"' in console

    response = client.post(approve, {"reason": "Welcome"}, follow=True)

    request.refresh_from_db()
    assert (request.status, request.decided_by, request.decision_reason) == (Status.ACTIVE, coordinator, "Welcome")
    assert "Pat Person is now a member." in messages_of(response)
    assert "No request is waiting." in response.content.decode()


def test_the_coordinator_declines_with_a_reason(client, approval_community, coordinator, person):
    request = membership_request(user=person, community=approval_community)
    client.force_login(coordinator)

    client.post(manage_url(approval_community, "manage_decline", membership_pk=request.pk), {"reason": "Not a partner"})

    request.refresh_from_db()
    assert (request.status, request.decision_reason) == (Status.DECLINED, "Not a partner")


def test_a_too_long_reason_changes_nothing(client, approval_community, coordinator, person):
    request = membership_request(user=person, community=approval_community)
    client.force_login(coordinator)

    response = client.post(
        manage_url(approval_community, "manage_decline", membership_pk=request.pk), {"reason": "x" * 1001}, follow=True
    )

    request.refresh_from_db()
    assert request.status == Status.PENDING
    assert any("too long" in message for message in messages_of(response))


def test_the_coordinator_changes_a_role_and_it_takes_effect_on_the_next_request(
    client, approval_community, coordinator
):
    member = make_member(approval_community)
    membership = Membership.objects.get(user=member)
    member_client = client.__class__()
    member_client.force_login(member)
    assert member_client.get(manage_url(approval_community)).status_code == 404
    client.force_login(coordinator)

    client.post(manage_url(approval_community, "manage_role", membership_pk=membership.pk), {"role": "coordinator"})

    assert member_client.get(manage_url(approval_community)).status_code == 200

    client.post(manage_url(approval_community, "manage_role", membership_pk=membership.pk), {"role": "member"})

    assert member_client.get(manage_url(approval_community)).status_code == 404


def test_an_invalid_role_shows_a_message_and_changes_nothing(client, approval_community, coordinator):
    membership = Membership.objects.get(user=make_member(approval_community))
    client.force_login(coordinator)

    response = client.post(
        manage_url(approval_community, "manage_role", membership_pk=membership.pk), {"role": "owner"}, follow=True
    )

    membership.refresh_from_db()
    assert membership.role == Role.MEMBER
    assert "Choose one of the roles offered." in messages_of(response)


def test_demoting_the_last_coordinator_from_the_console_is_refused(client, approval_community, coordinator):
    own = Membership.objects.get(user=coordinator)
    client.force_login(coordinator)

    response = client.post(
        manage_url(approval_community, "manage_role", membership_pk=own.pk), {"role": "member"}, follow=True
    )

    own.refresh_from_db()
    assert own.role == Role.COORDINATOR
    assert any("make someone else coordinator first" in message for message in messages_of(response))


def test_the_coordinator_removes_a_member(client, approval_community, coordinator):
    membership = Membership.objects.get(user=make_member(approval_community))
    client.force_login(coordinator)

    client.post(manage_url(approval_community, "manage_remove", membership_pk=membership.pk), {"reason": "Moved on"})

    membership.refresh_from_db()
    assert (membership.status, membership.decision_reason) == (Status.LEFT, "Moved on")


def test_a_membership_of_another_community_is_404_on_the_console(client, approval_community, coordinator):
    other = CommunityFactory()
    elsewhere = Membership.objects.get(user=make_member(other))
    client.force_login(coordinator)

    for name in ("manage_approve", "manage_decline", "manage_role", "manage_remove"):
        assert client.post(manage_url(approval_community, name, membership_pk=elsewhere.pk)).status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.status == Status.ACTIVE


def test_console_actions_answer_405_to_get(client, approval_community, coordinator, person):
    request = membership_request(user=person, community=approval_community)
    client.force_login(coordinator)

    response = client.get(manage_url(approval_community, "manage_approve", membership_pk=request.pk))

    assert response.status_code == 405
    request.refresh_from_db()
    assert request.status == Status.PENDING


def test_the_coordinator_invites_resends_and_revokes(
    client, approval_community, coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            manage_url(approval_community, "manage_invite"),
            {"email": "guest@example.org", "role": "member", "group": "", "message": "Come along"},
            follow=True,
        )
    invitation = Invitation.objects.get()
    assert "Invitation sent to guest@example.org." in messages_of(response)
    assert "guest@example.org" in response.content.decode()
    assert len(mailoutbox) == 1

    Invitation.objects.filter(pk=invitation.pk).update(last_sent_at=invitation.last_sent_at.replace(year=2000))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(manage_url(approval_community, "manage_invitation_resend", invitation_pk=invitation.pk))
    assert len(mailoutbox) == 2

    client.post(manage_url(approval_community, "manage_invitation_revoke", invitation_pk=invitation.pk))
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None


def test_a_bad_invitation_form_shows_its_errors_and_sends_nothing(client, approval_community, coordinator, mailoutbox):
    client.force_login(coordinator)

    response = client.post(
        manage_url(approval_community, "manage_invite"), {"email": "not an address", "role": "member"}
    )

    assert response.status_code == 400
    assert "Enter a valid email address." in response.content.decode()
    assert not Invitation.objects.exists() and mailoutbox == []


def test_inviting_an_existing_member_shows_why_and_sends_nothing(client, approval_community, coordinator, mailoutbox):
    member = make_member(approval_community)
    client.force_login(coordinator)

    response = client.post(manage_url(approval_community, "manage_invite"), {"email": member.email, "role": "member"})

    assert response.status_code == 400
    assert "is already a member of Approval CoP" in response.content.decode()
    assert not Invitation.objects.exists()


def test_a_facilitator_sees_only_their_groups_requests_and_invites_only_into_them(
    client, approval_community, coordinator, approval_group, open_group
):
    facilitator = make_member(approval_community, group=approval_group, role=Role.FACILITATOR)
    applicant, other_applicant = UserFactory(full_name="Group Applicant"), UserFactory(full_name="Community Applicant")
    make_member(approval_community, applicant)
    group_request = membership_request(user=applicant, community=approval_community, group=approval_group)
    community_request = membership_request(user=other_applicant, community=approval_community)
    client.force_login(facilitator)

    console = client.get(manage_url(approval_community))
    page = console.content.decode()

    assert console.status_code == 200 and "Facilitator console" in page
    assert "Group Applicant" in page and "Community Applicant" not in page
    assert (
        client.post(manage_url(approval_community, "manage_approve", membership_pk=community_request.pk)).status_code
        == 404
    )
    client.post(manage_url(approval_community, "manage_approve", membership_pk=group_request.pk))
    group_request.refresh_from_db()
    assert group_request.status == Status.ACTIVE
    # Inviting into the whole community, or into a group they do not run, is not offered and refused.
    response = client.post(
        manage_url(approval_community, "manage_invite"), {"email": "x@example.org", "role": "member"}
    )
    assert response.status_code == 400
    response = client.post(
        manage_url(approval_community, "manage_invite"),
        {"email": "x@example.org", "role": "member", "group": open_group.pk},
    )
    assert response.status_code == 400
    assert not Invitation.objects.exists()


def test_the_console_runs_the_same_number_of_queries_with_more_requests_members_and_invitations(
    client, django_assert_num_queries
):
    def seed(size):
        community = CommunityFactory(join_policy="approval")
        coordinator = make_member(community, role=Role.COORDINATOR)
        for n in range(size):
            make_member(community, UserFactory(organization=OrganizationFactory()))
            membership_request(user=UserFactory(organization=OrganizationFactory()), community=community)
            invitation_create(community=community, email=f"guest{n}-{community.pk}@example.org", by=coordinator)
        return community, coordinator

    small, small_coordinator = seed(2)
    large, large_coordinator = seed(15)
    client.force_login(small_coordinator)
    client.get(manage_url(small))
    with CaptureQueriesContext(connection) as queries:
        client.get(manage_url(small))
    expected = len(queries)  # now: the next request resets the connection's query log
    client.force_login(large_coordinator)
    client.get(manage_url(large))

    with django_assert_num_queries(expected):
        client.get(manage_url(large))


def test_members_find_the_member_directory_from_the_home(client, approval_community):
    directory = reverse("people:directory", kwargs={"community_slug": approval_community.slug})
    client.force_login(UserFactory())
    assert directory not in client.get(home(approval_community)).content.decode()

    client.force_login(make_member(approval_community))
    assert directory in client.get(home(approval_community)).content.decode()


def test_the_console_lists_coordinators_first_then_facilitators_then_members(client, approval_community, coordinator):
    make_member(approval_community, UserFactory(full_name="Aaron Member"))
    make_member(approval_community, UserFactory(full_name="Bea Facilitator"), role=Role.FACILITATOR)
    client.force_login(coordinator)

    members = client.get(manage_url(approval_community)).context["members_page"].object_list

    assert [m.user.full_name for m in members] == ["Cora Coordinator", "Bea Facilitator", "Aaron Member"]


def test_the_console_shows_the_oldest_pending_requests_and_how_many_wait_in_all(client, monkeypatch):
    from communities.views import console

    monkeypatch.setattr(console, "CONSOLE_REQUESTS_SHOWN", 3)
    community = CommunityFactory(join_policy="approval")
    coordinator = make_member(community, role=Role.COORDINATOR)
    people = [UserFactory(full_name=f"Asker {n}") for n in range(5)]
    for person in people:
        membership_request(user=person, community=community)
    client.force_login(coordinator)
    page = client.get(manage_url(community)).content.decode()
    assert [person.full_name in page for person in people] == [True, True, True, False, False]
    assert "The oldest 3 of 5 requests are shown" in page
    assert '<span class="badge text-bg-secondary">5</span>' in page

    monkeypatch.setattr(console, "CONSOLE_REQUESTS_SHOWN", 5)
    page = client.get(manage_url(community)).content.decode()
    assert all(person.full_name in page for person in people)
    assert "The oldest" not in page


def test_the_console_shows_members_25_to_a_page_and_the_oldest_20_requests(client):
    """Issue 15: each row carries two forms; a page of 50 of each cost most of the console's time at scale."""
    community = CommunityFactory(join_policy="approval")
    coordinator = make_member(community, role=Role.COORDINATOR, user=UserFactory(full_name="Aaa Coordinator"))
    for n in range(29):
        make_member(community, UserFactory(full_name=f"Member {n:02}"))
    for n in range(22):
        membership_request(user=UserFactory(full_name=f"Asker {n:02}"), community=community)
    client.force_login(coordinator)
    first = client.get(manage_url(community))
    page = first.content.decode()
    assert len(first.context["members_page"].object_list) == 25 and page.count('<tr id="member-') == 25
    assert "Page 1 of 2" in page
    assert page.count('class="list-group-item request-item"') == 20
    assert "The oldest 20 of 22 requests are shown" in page
    second = client.get(manage_url(community) + "?q=&page=2")
    assert [m.user.full_name for m in second.context["members_page"].object_list] == [
        f"Member {n:02}" for n in range(24, 29)
    ]
