"""The membership services: every flow, idempotency, eligibility, the last-coordinator rule, events, permissions."""

import threading
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from communities.models import Community, Invitation, Membership, MembershipEvent
from communities.services import (
    InvitationError,
    MembershipError,
    invitation_accept,
    invitation_check,
    invitation_create,
    invitation_resend,
    invitation_revoke,
    invitation_token,
    membership_approve,
    membership_change_role,
    membership_decline,
    membership_grant,
    membership_join,
    membership_leave,
    membership_remove,
    membership_request,
)
from members.models import Organization, User
from tests.conftest import require_service
from tests.factories import CommunityFactory, GroupFactory, OrganizationFactory, UserFactory, make_member

pytestmark = pytest.mark.django_db

Role = Membership.Role
Status = Membership.Status
Action = MembershipEvent.Action


def events(membership):
    return list(MembershipEvent.objects.filter(membership=membership).order_by("pk").values_list("action", flat=True))


def fresh(user):
    """Return user re-read from the database, as the next request would see them (no permission cache)."""
    return User.objects.get(pk=user.pk)


# --- Open communities --------------------------------------------------------------------------------


def test_joining_an_open_community_makes_an_active_member_at_once(open_community, person):
    membership = membership_join(user=person, community=open_community)

    membership.refresh_from_db()
    assert (membership.status, membership.role) == (Status.ACTIVE, Role.MEMBER)
    assert membership.decided_by == person and membership.decided_at is not None
    assert events(membership) == [Action.JOINED]


def test_joining_twice_changes_nothing(open_community, person):
    first = membership_join(user=person, community=open_community)
    second = membership_join(user=person, community=open_community)

    assert first.pk == second.pk
    assert Membership.objects.filter(user=person).count() == 1
    assert events(first) == [Action.JOINED]


def test_joining_an_approval_or_invitation_community_is_refused_and_creates_nothing(approval_community, person):
    invitation_only = CommunityFactory(join_policy=Community.JoinPolicy.INVITATION, name="Closed CoP")

    with pytest.raises(MembershipError) as on_request:
        membership_join(user=person, community=approval_community)
    with pytest.raises(MembershipError) as by_invitation:
        membership_join(user=person, community=invitation_only)

    assert on_request.value.code == "approval_needed"
    assert "invitation only" in by_invitation.value.text
    assert not Membership.objects.filter(user=person).exists()


# --- Requests and decisions -------------------------------------------------------------------------


def test_a_request_is_pending_with_its_message_and_recorded(approval_community, person):
    membership = membership_request(user=person, community=approval_community, message="  I run a pilot.  ")

    membership.refresh_from_db()
    assert (membership.status, membership.message) == (Status.PENDING, "I run a pilot.")
    event = membership.events.get()
    assert (event.action, event.actor, event.reason) == (Action.REQUESTED, person, "I run a pilot.")


def test_requesting_twice_makes_one_request(approval_community, person):
    first = membership_request(user=person, community=approval_community, message="first")
    second = membership_request(user=person, community=approval_community, message="second")

    assert first.pk == second.pk
    assert Membership.objects.filter(user=person, community=approval_community).count() == 1
    second.refresh_from_db()
    assert second.message == "first"
    assert events(first) == [Action.REQUESTED]


def test_a_request_on_an_open_community_simply_joins(open_community, person):
    membership = membership_request(user=person, community=open_community, message="hello")

    assert membership.status == Status.ACTIVE


def test_a_coordinator_approves_a_request_and_the_decision_is_recorded(approval_community, coordinator, person):
    request = membership_request(user=person, community=approval_community)

    membership_approve(membership=request, by=coordinator, reason="Welcome aboard")

    request.refresh_from_db()
    assert request.status == Status.ACTIVE
    assert (request.decided_by, request.decision_reason) == (coordinator, "Welcome aboard")
    assert request.decided_at is not None
    event = request.events.get(action=Action.APPROVED)
    assert (event.actor, event.to_role, event.reason) == (coordinator, Role.MEMBER, "Welcome aboard")


def test_approving_twice_records_one_decision(approval_community, coordinator, person):
    request = membership_request(user=person, community=approval_community)

    membership_approve(membership=request, by=coordinator)
    membership_approve(membership=request, by=coordinator)

    assert events(request) == [Action.REQUESTED, Action.APPROVED]


def test_a_coordinator_declines_with_a_reason_and_declining_twice_changes_nothing(
    approval_community, coordinator, person
):
    request = membership_request(user=person, community=approval_community)

    membership_decline(membership=request, by=coordinator, reason="Only partners of the project")
    membership_decline(membership=request, by=coordinator, reason="changed my mind")

    request.refresh_from_db()
    assert (request.status, request.decision_reason, request.decided_by) == (
        Status.DECLINED,
        "Only partners of the project",
        coordinator,
    )
    assert events(request) == [Action.REQUESTED, Action.DECLINED]


def test_a_decided_request_cannot_be_decided_the_other_way(approval_community, coordinator, person):
    request = membership_request(user=person, community=approval_community)
    membership_approve(membership=request, by=coordinator)

    with pytest.raises(MembershipError) as error:
        membership_decline(membership=request, by=coordinator)

    assert error.value.code == "not_pending"
    request.refresh_from_db()
    assert request.status == Status.ACTIVE


def test_a_declined_person_may_request_again_and_the_old_decision_is_cleared(approval_community, coordinator, person):
    request = membership_request(user=person, community=approval_community)
    membership_decline(membership=request, by=coordinator, reason="Not yet")

    again = membership_request(user=person, community=approval_community, message="Now we are partners")

    again.refresh_from_db()
    assert again.pk == request.pk
    assert (again.status, again.message, again.decision_reason, again.decided_by) == (
        Status.PENDING,
        "Now we are partners",
        "",
        None,
    )
    assert events(again) == [Action.REQUESTED, Action.DECLINED, Action.REQUESTED]


def test_a_plain_member_cannot_decide_on_requests(approval_community, person):
    member = make_member(approval_community)
    request = membership_request(user=person, community=approval_community)

    with pytest.raises(MembershipError) as error:
        membership_approve(membership=request, by=member)

    assert error.value.code == "forbidden"
    request.refresh_from_db()
    assert request.status == Status.PENDING


def test_a_facilitator_decides_on_their_group_only(approval_community, approval_group, person):
    other_group = GroupFactory(community=approval_community, join_policy=Community.JoinPolicy.APPROVAL)
    facilitator = make_member(approval_community)
    membership_grant(user=facilitator, community=approval_community, group=approval_group, role=Role.FACILITATOR)
    make_member(approval_community, person)
    theirs = membership_request(user=person, community=approval_community, group=approval_group)
    elsewhere = membership_request(user=person, community=approval_community, group=other_group)
    community_request = membership_request(user=UserFactory(), community=approval_community)

    membership_approve(membership=theirs, by=fresh(facilitator))
    with pytest.raises(MembershipError):
        membership_approve(membership=elsewhere, by=fresh(facilitator))
    with pytest.raises(MembershipError):
        membership_approve(membership=community_request, by=fresh(facilitator))

    statuses = {
        m.pk: m.status for m in Membership.objects.filter(pk__in=[theirs.pk, elsewhere.pk, community_request.pk])
    }
    assert statuses == {theirs.pk: Status.ACTIVE, elsewhere.pk: Status.PENDING, community_request.pk: Status.PENDING}


# --- Eligibility ------------------------------------------------------------------------------------


@pytest.fixture
def reserved_community(db):
    return CommunityFactory(
        name="Local administrators",
        join_policy=Community.JoinPolicy.OPEN,
        eligible_organization_kinds=[Organization.Kind.MUNICIPALITY, Organization.Kind.PUBLIC_BODY],
    )


def test_someone_from_a_listed_kind_of_organisation_may_join_a_reserved_community(reserved_community, person):
    assert membership_join(user=person, community=reserved_community).status == Status.ACTIVE


def test_someone_from_another_kind_of_organisation_cannot_join_or_request_and_is_told_why(reserved_community):
    business = UserFactory(organization=OrganizationFactory(name="Acme srl", kind=Organization.Kind.BUSINESS))
    reserved_community.join_policy = Community.JoinPolicy.APPROVAL
    reserved_community.save()

    with pytest.raises(MembershipError) as error:
        membership_request(user=business, community=reserved_community)

    assert error.value.code == "not_eligible"
    assert "Municipality, Public body" in error.value.text
    assert "Acme srl" in error.value.text and "Business" in error.value.text
    assert not Membership.objects.filter(user=business).exists()


def test_someone_without_an_organisation_cannot_join_a_reserved_community(reserved_community):
    nobody = UserFactory(organization=None)

    with pytest.raises(MembershipError) as error:
        membership_join(user=nobody, community=reserved_community)

    assert "names no organisation" in error.value.text
    assert not Membership.objects.filter(user=nobody).exists()


def test_a_reserved_group_refuses_people_of_other_kinds(open_community, person):
    group = GroupFactory(
        community=open_community, name="Universities", eligible_organization_kinds=[Organization.Kind.UNIVERSITY]
    )
    make_member(open_community, person)

    with pytest.raises(MembershipError) as error:
        membership_join(user=person, community=open_community, group=group)

    assert "Universities is reserved" in error.value.text
    assert not Membership.objects.filter(user=person, group=group).exists()


# --- Groups -----------------------------------------------------------------------------------------


def test_a_member_joins_an_open_group_of_their_community(approval_community, open_group, person):
    make_member(approval_community, person)

    membership = membership_join(user=person, community=approval_community, group=open_group)

    assert (membership.group, membership.status) == (open_group, Status.ACTIVE)


def test_joining_a_group_of_an_open_community_joins_the_community_too(open_community, person):
    group = GroupFactory(community=open_community)

    membership_join(user=person, community=open_community, group=group)

    assert set(Membership.objects.filter(user=person).values_list("group", "status")) == {
        (None, Status.ACTIVE),
        (group.pk, Status.ACTIVE),
    }


def test_an_outsider_must_join_an_approval_community_before_its_groups(approval_community, open_group, person):
    with pytest.raises(MembershipError) as error:
        membership_join(user=person, community=approval_community, group=open_group)

    assert error.value.code == "community_first"
    assert not Membership.objects.filter(user=person).exists()


def test_a_member_requests_an_approval_group_and_asking_twice_makes_one_request(
    approval_community, approval_group, person
):
    make_member(approval_community, person)

    first = membership_request(user=person, community=approval_community, group=approval_group, message="hi")
    second = membership_request(user=person, community=approval_community, group=approval_group)

    assert first.pk == second.pk and first.status == Status.PENDING
    assert Membership.objects.filter(user=person, group=approval_group).count() == 1


# --- Leaving and removing ------------------------------------------------------------------------------


def test_leaving_a_community_ends_its_groups_too_and_is_recorded(approval_community, open_group, approval_group):
    member = make_member(approval_community)
    membership_join(user=member, community=approval_community, group=open_group)
    pending = membership_request(user=member, community=approval_community, group=approval_group)

    left = membership_leave(user=member, community=approval_community)

    assert left.status == Status.LEFT and events(left)[-1] == Action.LEFT
    assert set(Membership.objects.filter(user=member).values_list("status", flat=True)) == {Status.LEFT}
    pending.refresh_from_db()
    assert events(pending)[-1] == Action.LEFT


def test_leaving_twice_changes_nothing(open_community, person):
    membership_join(user=person, community=open_community)

    membership_leave(user=person, community=open_community)
    membership_leave(user=person, community=open_community)

    assert events(Membership.objects.get(user=person)) == [Action.JOINED, Action.LEFT]


def test_withdrawing_a_request_leaves_nothing_pending(approval_community, person):
    membership_request(user=person, community=approval_community)

    membership_leave(user=person, community=approval_community)

    assert not Membership.objects.pending().filter(user=person).exists()


def test_the_last_coordinator_cannot_leave(approval_community, coordinator):
    with pytest.raises(MembershipError) as error:
        membership_leave(user=coordinator, community=approval_community)

    assert error.value.code == "last_coordinator"
    assert Membership.objects.get(user=coordinator).status == Status.ACTIVE


def test_a_coordinator_may_leave_once_another_is_in_place(approval_community, coordinator):
    make_member(approval_community, role=Role.COORDINATOR)

    membership_leave(user=coordinator, community=approval_community)

    assert Membership.objects.get(user=coordinator).status == Status.LEFT
    assert not fresh(coordinator).has_perm("communities.manage_community", approval_community)


def test_a_coordinator_removes_a_member_with_a_reason(approval_community, coordinator, open_group):
    member = make_member(approval_community)
    membership_join(user=member, community=approval_community, group=open_group)
    membership = Membership.objects.get(user=member, group=None)

    membership_remove(membership=membership, by=coordinator, reason="Left the organisation")
    membership_remove(membership=membership, by=coordinator, reason="twice")

    membership.refresh_from_db()
    assert (membership.status, membership.decided_by, membership.decision_reason) == (
        Status.LEFT,
        coordinator,
        "Left the organisation",
    )
    assert events(membership) == [Action.JOINED, Action.REMOVED]
    assert Membership.objects.get(user=member, group=open_group).status == Status.LEFT


def test_a_member_cannot_remove_anyone(approval_community):
    member, other = make_member(approval_community), make_member(approval_community)

    with pytest.raises(MembershipError):
        membership_remove(membership=Membership.objects.get(user=other), by=member)

    assert Membership.objects.get(user=other).status == Status.ACTIVE


def test_the_last_coordinator_cannot_be_removed(approval_community, coordinator):
    admin = UserFactory(is_staff=True, is_superuser=True)

    with pytest.raises(MembershipError) as error:
        membership_remove(membership=Membership.objects.get(user=coordinator), by=admin)

    assert error.value.code == "last_coordinator"
    assert Membership.objects.get(user=coordinator).status == Status.ACTIVE


# --- Roles and permissions ------------------------------------------------------------------------------


def test_a_role_change_is_recorded_and_the_permission_follows(approval_community, coordinator):
    member = make_member(approval_community)
    membership = Membership.objects.get(user=member)

    membership_change_role(membership=membership, role=Role.COORDINATOR, by=coordinator)

    event = membership.events.get(action=Action.ROLE_CHANGED)
    assert (event.actor, event.from_role, event.to_role) == (coordinator, Role.MEMBER, Role.COORDINATOR)
    assert fresh(member).has_perm("communities.manage_community", approval_community)

    membership_change_role(membership=membership, role=Role.MEMBER, by=coordinator)

    assert not fresh(member).has_perm("communities.manage_community", approval_community)


def test_the_last_coordinator_cannot_be_demoted_but_can_once_another_is_in_place(approval_community, coordinator):
    own = Membership.objects.get(user=coordinator)

    with pytest.raises(MembershipError) as error:
        membership_change_role(membership=own, role=Role.MEMBER, by=coordinator)
    assert error.value.code == "last_coordinator"

    make_member(approval_community, role=Role.COORDINATOR)
    membership_change_role(membership=own, role=Role.MEMBER, by=coordinator)

    own.refresh_from_db()
    assert own.role == Role.MEMBER


def test_an_unknown_or_group_level_coordinator_role_is_refused(approval_community, coordinator, open_group):
    member = make_member(approval_community, group=open_group)
    in_group = Membership.objects.get(user=member, group=open_group)

    with pytest.raises(MembershipError):
        membership_change_role(membership=Membership.objects.get(user=member, group=None), role="owner", by=coordinator)
    with pytest.raises(MembershipError):
        membership_change_role(membership=in_group, role=Role.COORDINATOR, by=coordinator)

    assert set(Membership.objects.filter(user=member).values_list("role", flat=True)) == {Role.MEMBER}


def test_a_group_facilitator_manages_only_their_group(approval_community, coordinator, open_group):
    member = make_member(approval_community, group=open_group)
    membership_change_role(
        membership=Membership.objects.get(user=member, group=open_group), role=Role.FACILITATOR, by=coordinator
    )
    other_group = GroupFactory(community=approval_community)

    member = fresh(member)
    assert member.has_perm("communities.manage_group", open_group)
    assert not member.has_perm("communities.manage_group", other_group)
    assert not member.has_perm("communities.manage_community", approval_community)


# --- Races and constraints ------------------------------------------------------------------------------


def test_the_database_refuses_a_second_membership_of_the_same_place(approval_community, person):
    Membership.objects.create(user=person, community=approval_community)

    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=person, community=approval_community)


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_requests_make_one_request():
    require_service(connection.vendor == "postgresql", "PostgreSQL (row locks)")
    community = CommunityFactory(join_policy=Community.JoinPolicy.APPROVAL)
    person = UserFactory()
    barrier = threading.Barrier(2)
    errors = []

    def submit():
        try:
            barrier.wait()
            membership_request(user=person, community=community, message="hello")
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    membership = Membership.objects.get(user=person, community=community)
    assert events(membership) == [Action.REQUESTED]


# --- Invitations ------------------------------------------------------------------------------------------


def test_a_coordinator_invites_by_email_and_inviting_again_changes_nothing(approval_community, coordinator):
    first = invitation_create(community=approval_community, email=" Ann@Example.org ", by=coordinator)
    second = invitation_create(community=approval_community, email="ann@example.org", by=coordinator)

    assert first.pk == second.pk
    assert (first.email, first.role, first.invited_by, first.sent_count) == (
        "ann@example.org",
        Role.MEMBER,
        coordinator,
        1,
    )
    assert first.expires_at > timezone.now() + timedelta(days=13)
    assert Invitation.objects.count() == 1


def test_inviting_a_bad_address_or_an_existing_member_is_refused(approval_community, coordinator):
    member = make_member(approval_community)

    with pytest.raises(MembershipError) as bad:
        invitation_create(community=approval_community, email="not-an-address", by=coordinator)
    with pytest.raises(MembershipError) as already:
        invitation_create(community=approval_community, email=member.email, by=coordinator)

    assert bad.value.code == "invalid_email" and already.value.code == "already_member"
    assert not Invitation.objects.exists()


def test_only_managers_invite_and_a_facilitator_only_into_their_group(approval_community, open_group):
    member = make_member(approval_community)
    facilitator = make_member(approval_community, group=open_group, role=Role.FACILITATOR)

    with pytest.raises(MembershipError):
        invitation_create(community=approval_community, email="a@example.org", by=member)
    with pytest.raises(MembershipError):
        invitation_create(community=approval_community, email="a@example.org", by=facilitator)
    invitation = invitation_create(
        community=approval_community, group=open_group, email="a@example.org", by=facilitator
    )

    assert Invitation.objects.get() == invitation


def test_accepting_an_invitation_gives_the_role_once(approval_community, coordinator, person):
    invitation = invitation_create(
        community=approval_community, email=person.email, role=Role.COORDINATOR, by=coordinator
    )

    membership = invitation_accept(invitation=invitation, user=person)
    again = invitation_accept(invitation=invitation, user=person)

    assert again.pk == membership.pk
    membership.refresh_from_db()
    assert (membership.status, membership.role, membership.decided_by) == (Status.ACTIVE, Role.COORDINATOR, coordinator)
    assert events(membership) == [Action.INVITATION_ACCEPTED]
    invitation.refresh_from_db()
    assert invitation.accepted_by == person and invitation.accepted_at is not None
    assert fresh(person).has_perm("communities.manage_community", approval_community)


def test_a_used_invitation_cannot_be_used_by_someone_else(approval_community, coordinator, person):
    invitation = invitation_create(community=approval_community, email=person.email, by=coordinator)
    token = invitation_token(invitation)
    invitation_accept(invitation=invitation, user=person)
    stranger = UserFactory()

    with pytest.raises(InvitationError) as error:
        invitation_check(token=token)
    assert error.value.code == "used"
    with pytest.raises(InvitationError):
        invitation_accept(invitation=invitation, user=stranger)
    assert not Membership.objects.filter(user=stranger).exists()


def test_a_group_invitation_brings_the_person_into_the_community(approval_community, coordinator, approval_group):
    invitation = invitation_create(
        community=approval_community,
        group=approval_group,
        email="new@example.org",
        role=Role.FACILITATOR,
        by=coordinator,
    )
    newcomer = UserFactory(email="new@example.org")

    invitation_accept(invitation=invitation, user=newcomer)

    assert dict(Membership.objects.filter(user=newcomer).values_list("group", "role")) == {
        None: Role.MEMBER,
        approval_group.pk: Role.FACILITATOR,
    }
    assert fresh(newcomer).has_perm("communities.manage_group", approval_group)


def test_an_invitation_never_lowers_a_role_and_bypasses_eligibility(coordinator, approval_community):
    approval_community.eligible_organization_kinds = [Organization.Kind.REGION]
    approval_community.save()
    other = make_member(approval_community, role=Role.COORDINATOR)
    # A second verified address of theirs: invitation_create looks at the account's address only.
    EmailAddress.objects.create(user=other, email="x@example.org", verified=True)
    no_org = UserFactory(organization=None, email="y@example.org")
    for_coordinator = invitation_create(community=approval_community, email="x@example.org", by=coordinator)
    for_outsider = invitation_create(community=approval_community, email="y@example.org", by=coordinator)

    invitation_accept(invitation=for_coordinator, user=other)
    invitation_accept(invitation=for_outsider, user=no_org)

    assert Membership.objects.get(user=other).role == Role.COORDINATOR
    assert Membership.objects.get(user=no_org).status == Status.ACTIVE


def test_a_revoked_invitation_stops_working(approval_community, coordinator, person):
    invitation = invitation_create(community=approval_community, email=person.email, by=coordinator)
    token = invitation_token(invitation)

    invitation_revoke(invitation=invitation, by=coordinator)
    invitation_revoke(invitation=invitation, by=coordinator)

    with pytest.raises(InvitationError) as error:
        invitation_check(token=token)
    assert error.value.code == "revoked"
    with pytest.raises(InvitationError):
        invitation_accept(invitation=invitation, user=person)
    assert not Membership.objects.filter(user=person).exists()


def test_an_expired_invitation_is_refused_and_resending_renews_it(approval_community, coordinator, person):
    invitation = invitation_create(community=approval_community, email=person.email, by=coordinator)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1), last_sent_at=timezone.now() - timedelta(days=15)
    )

    with pytest.raises(InvitationError) as error:
        invitation_check(token=invitation_token(invitation))
    assert error.value.code == "expired"

    renewed = invitation_resend(invitation=invitation, by=coordinator)

    assert renewed.expires_at > timezone.now() + timedelta(days=13)
    assert renewed.sent_count == 2
    assert invitation_check(token=invitation_token(renewed)) == renewed


def test_resending_twice_in_a_row_sends_once(approval_community, coordinator):
    invitation = invitation_create(community=approval_community, email="a@example.org", by=coordinator)

    invitation_resend(invitation=invitation, by=coordinator)

    invitation.refresh_from_db()
    assert invitation.sent_count == 1


def test_a_token_older_than_the_maximum_age_is_expired(approval_community, coordinator, settings):
    invitation = invitation_create(community=approval_community, email="a@example.org", by=coordinator)
    token = invitation_token(invitation)
    settings.INVITATION_MAX_AGE_DAYS = 0

    with pytest.raises(InvitationError) as error:
        invitation_check(token=token)

    assert error.value.code == "expired"


@pytest.mark.parametrize(
    "mangle",
    [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        lambda token: "not-a-token",
        lambda token: __import__("django.core.signing").core.signing.dumps("some-key", salt="another.salt"),
        lambda token: __import__("django.core.signing").core.signing.dumps(
            "no-such-key", salt="communities.invitation"
        ),
    ],
    ids=["altered", "garbage", "foreign-salt", "unknown-key"],
)
def test_a_tampered_or_foreign_token_is_refused(approval_community, coordinator, mangle):
    invitation = invitation_create(community=approval_community, email="a@example.org", by=coordinator)

    with pytest.raises(InvitationError) as error:
        invitation_check(token=mangle(invitation_token(invitation)))

    assert error.value.code == "tampered"
