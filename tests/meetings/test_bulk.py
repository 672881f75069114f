"""Inviting and registering in bulk: by group, partner role, organisation kind or country, previewed, confirmed once."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from communities.models import Community, Group, Membership, PartnerRole, Partnership
from meetings import tasks
from meetings.models import Meeting, MeetingInvitation, Registration
from meetings.services import bulk
from members.models import Organization, OutboxMessage
from tests.factories import CommunityFactory, GroupFactory, UserFactory, make_member
from tests.meetings.factories import MeetingFactory, RegistrationFactory


def _bulk_url(meeting):
    return reverse("meetings:bulk", kwargs={"community_slug": meeting.community.slug, "meeting_pk": meeting.pk})


def _preview(client, meeting, **data):
    response = client.post(_bulk_url(meeting), data)
    return response, response.context["plan"] if response.context and "plan" in response.context else None


def _confirm(client, meeting, token, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(_bulk_url(meeting), {"confirm": "1", "token": token})


# --- The proof on the demo data: MULTIPLY's partner roles ----------------------------------------------


def test_a_bulk_invitation_by_partner_role_in_multiply_reaches_exactly_the_cities_of_that_role(
    client, demo_data, django_capture_on_commit_callbacks
):
    multiply = Community.objects.get(slug="multiply")
    role = PartnerRole.objects.get(community=multiply, name="Multiply City")
    meeting = MeetingFactory(
        community=multiply,
        title="Multiply Cities' exchange",
        visibility=Meeting.Visibility.MEMBERS,
        registration_policy=Meeting.RegistrationPolicy.OPEN,
    )
    # Who should be reached, computed apart from the service: active members from a Multiply City.
    cities = Partnership.objects.current().filter(community=multiply, role=role).values("organization_id")
    members = Membership.objects.filter(community=multiply, group__isnull=True, status=Membership.Status.ACTIVE)
    expected = set(
        members.filter(user__organization__in=cities, user__is_active=True).values_list("user__email", flat=True)
    )
    others = set(members.values_list("user__email", flat=True)) - expected
    # The demo has people of each kind: Multiply Cities, an On the Road City, a Special Prize City, a non-partner.
    assert {"claire.martin@cop.demo", "hans.weber@cop.demo", "marta.ferrari@cop.demo"} <= expected
    assert {"luca.moretti@cop.demo", "jonas.keller@cop.demo", "amal.bensaid@cop.demo"} <= others

    client.force_login(multiply.memberships.get(user__email="coordinator.multiply@cop.demo").user)
    assert client.get(_bulk_url(meeting)).status_code == 200
    response, plan = _preview(client, meeting, mode="invite", partner_roles=[role.pk])
    assert response.status_code == 200
    page = response.content.decode()
    assert "Marta Ferrari" in page and "Luca Moretti" not in page and "Jonas Keller" not in page
    assert {p.user_id for p in plan.included} == set(
        members.filter(user__email__in=expected).values_list("user_id", flat=True)
    )
    assert not mail.outbox and not MeetingInvitation.objects.exists()  # the preview writes nothing

    token = response.context["token"]
    response = _confirm(client, meeting, token, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert sorted(message.to[0] for message in mail.outbox) == sorted(expected)
    # Each in the person's language: Marta (Italian) gets an Italian email, Hans an English one.
    by_address = {message.to[0]: message for message in mail.outbox}
    assert 'lang="it"' in by_address["marta.ferrari@cop.demo"].alternatives[0][0]
    assert 'lang="en"' in by_address["hans.weber@cop.demo"].alternatives[0][0]
    assert "Multiply Cities' exchange" in by_address["hans.weber@cop.demo"].subject

    # Exactly once: confirming the same preview again, or the tasks running again, sends nothing more.
    mail.outbox.clear()
    _confirm(client, meeting, token, django_capture_on_commit_callbacks)
    for invitation in MeetingInvitation.objects.filter(meeting=meeting):
        tasks.notify_meeting_invitation.apply(args=[invitation.pk])
    assert mail.outbox == []
    assert MeetingInvitation.objects.filter(meeting=meeting).count() == len(expected)


# --- The rules, on small communities ---------------------------------------------------------------------


@pytest.fixture
def network(db):
    """A community with partners of two roles, a group, people of several kinds, and a neighbour community."""
    community = CommunityFactory(slug="net", visibility=Community.Visibility.MEMBERS)
    coordinator = make_member(community, UserFactory(full_name="Cora Coordinator"), role=Membership.Role.COORDINATOR)
    lead, follower = (PartnerRole.objects.create(community=community, name=name) for name in ("Lead city", "Follower"))
    bologna = Organization.objects.create(name="Comune di Bologna", kind="municipality", country="IT")
    tunis = Organization.objects.create(name="Municipalité de Tunis", kind="municipality", country="TN")
    unibo = Organization.objects.create(name="Università di Bologna", kind="university", country="IT")
    Partnership.objects.create(community=community, organization=bologna, role=lead)
    Partnership.objects.create(community=community, organization=tunis, role=follower)
    Partnership.objects.create(community=community, organization=unibo, role=follower)
    group = GroupFactory(community=community, name="Energy")

    def person(name, org, country="IT", language="en", **flags):
        return make_member(
            community, UserFactory(full_name=name, organization=org, country=country, language=language, **flags)
        )

    people = {
        "anna": person("Anna Bologna", bologna, language="it"),
        "bilel": person("Bilel Tunis", tunis, country="TN", language="ar"),
        "carla": person("Carla Unibo", unibo),
        "dario": person("Dario Hidden", unibo, show_country=False),
    }
    make_member(community, people["carla"], group=group)
    pending = UserFactory(full_name="Paolo Pending", organization=bologna, country="IT")
    Membership.objects.create(user=pending, community=community, status=Membership.Status.PENDING)
    neighbour = CommunityFactory(slug="neighbour")
    outsider = make_member(neighbour, UserFactory(full_name="Olga Outside", organization=bologna, country="IT"))
    meeting = MeetingFactory(community=community, visibility=Meeting.Visibility.MEMBERS, capacity=2)
    return {
        "community": community,
        "coordinator": coordinator,
        "lead": lead,
        "follower": follower,
        "group": group,
        "meeting": meeting,
        "pending": pending,
        "outsider": outsider,
        **people,
    }


def _names(people):
    return sorted(person.name for person in people)


@pytest.mark.parametrize(
    "criteria,included",
    [
        ({"partner_role_ids": ("lead",)}, ["Anna Bologna"]),
        ({"partner_role_ids": ("follower",)}, ["Bilel Tunis", "Carla Unibo", "Dario Hidden"]),
        ({"organisation_kinds": ("university",)}, ["Carla Unibo", "Dario Hidden"]),
        ({"countries": ("IT",)}, ["Anna Bologna", "Carla Unibo", "Cora Coordinator"]),
        ({"group_ids": ("group",)}, ["Carla Unibo"]),
        ({"partner_role_ids": ("follower",), "countries": ("TN",)}, ["Bilel Tunis"]),
    ],
)
def test_each_criterion_picks_only_active_members_of_the_community(network, criteria, included):
    network["coordinator"].country = "IT"
    network["coordinator"].save()
    resolved = {key: tuple(network[v].pk if v in network else v for v in values) for key, values in criteria.items()}
    plan = bulk.bulk_plan(meeting=network["meeting"], mode=bulk.INVITE, criteria=bulk.Criteria(**resolved))
    assert _names(plan.included) == included
    everyone = _names(plan.included + plan.excluded)
    assert "Olga Outside" not in everyone  # another community's member, though from the same organisation
    assert "Dario Hidden" not in everyone or "countries" not in criteria  # a hidden country is never matched


def test_the_preview_says_who_is_left_out_and_why(network):
    meeting = network["meeting"]
    RegistrationFactory(meeting=meeting, user=network["anna"])
    RegistrationFactory(meeting=meeting, user=network["bilel"], status=Registration.Status.DECLINED)
    RegistrationFactory(meeting=meeting, user=network["carla"], status=Registration.Status.CANCELLED)
    criteria = bulk.Criteria(partner_role_ids=(network["lead"].pk, network["follower"].pk))
    plan = bulk.bulk_plan(meeting=meeting, mode=bulk.REGISTER, criteria=criteria)
    reasons = {person.name: person.reason for person in plan.excluded}
    assert reasons == {
        "Anna Bologna": "registered",
        "Bilel Tunis": "declined",
        "Carla Unibo": "cancelled",
        "Paolo Pending": "not_active",
    }
    assert _names(plan.included) == ["Dario Hidden"]


def test_a_private_group_meeting_leaves_out_those_who_cannot_see_it(network):
    network["group"].visibility = Group.Visibility.PRIVATE
    network["group"].save()
    meeting = MeetingFactory(
        community=network["community"], group=network["group"], visibility=Meeting.Visibility.MEMBERS
    )
    plan = bulk.bulk_plan(
        meeting=meeting, mode=bulk.INVITE, criteria=bulk.Criteria(partner_role_ids=(network["follower"].pk,))
    )
    assert _names(plan.included) == ["Carla Unibo"]
    assert {p.name: p.reason for p in plan.excluded} == {"Bilel Tunis": "cannot_see", "Dario Hidden": "cannot_see"}


def test_bulk_registration_fills_the_seats_then_the_waitlist_with_each_persons_email(
    client, network, django_capture_on_commit_callbacks
):
    meeting = network["meeting"]  # two seats
    client.force_login(network["coordinator"])
    response, plan = _preview(client, meeting, mode="register", partner_roles=[network["follower"].pk])
    assert _names(plan.included) == ["Bilel Tunis", "Carla Unibo", "Dario Hidden"]
    response = _confirm(client, meeting, response.context["token"], django_capture_on_commit_callbacks)
    assert response.status_code == 302
    statuses = sorted(Registration.objects.filter(meeting=meeting).values_list("status", flat=True))
    assert statuses == ["registered", "registered", "waitlisted"]
    assert sorted(m.to[0] for m in mail.outbox) == sorted(network[k].email for k in ("bilel", "carla", "dario"))
    arabic = next(m for m in mail.outbox if m.to[0] == network["bilel"].email)
    assert 'lang="ar"' in arabic.alternatives[0][0] and 'dir="rtl"' in arabic.alternatives[0][0]
    rows = OutboxMessage.objects.filter(task_name="meetings.notify_registration").count()
    assert rows == 3


def test_a_forged_expired_or_foreign_confirm_reaches_nobody(client, network, django_capture_on_commit_callbacks):
    meeting = network["meeting"]
    client.force_login(network["coordinator"])
    response, _plan = _preview(client, meeting, mode="invite", partner_roles=[network["lead"].pk])
    token = response.context["token"]
    forged = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    assert _confirm(client, meeting, forged, django_capture_on_commit_callbacks).status_code == 400
    other = MeetingFactory(community=network["community"], visibility=Meeting.Visibility.MEMBERS)
    assert _confirm(client, other, token, django_capture_on_commit_callbacks).status_code == 400
    colleague = make_member(network["community"], role=Membership.Role.COORDINATOR)
    client.force_login(colleague)
    assert _confirm(client, meeting, token, django_capture_on_commit_callbacks).status_code == 400
    assert not MeetingInvitation.objects.exists() and mail.outbox == []


def test_people_who_became_ineligible_after_the_preview_are_not_reached(
    client, network, django_capture_on_commit_callbacks
):
    meeting = network["meeting"]
    client.force_login(network["coordinator"])
    response, plan = _preview(client, meeting, mode="invite", partner_roles=[network["follower"].pk])
    assert len(plan.included) == 3
    Membership.objects.filter(user=network["bilel"], community=network["community"]).update(
        status=Membership.Status.LEFT
    )
    _confirm(client, meeting, response.context["token"], django_capture_on_commit_callbacks)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([network["carla"].email, network["dario"].email])


def test_the_modes_follow_the_registration_policy(network):
    meeting = network["meeting"]
    meeting.registration_policy = Meeting.RegistrationPolicy.INVITATION
    with pytest.raises(Exception, match="invitation only"):
        bulk.check_mode(meeting, bulk.INVITE)
    bulk.check_mode(meeting, bulk.REGISTER)
    meeting.registration_policy = Meeting.RegistrationPolicy.NONE
    with pytest.raises(Exception, match="no registrations"):
        bulk.check_mode(meeting, bulk.REGISTER)
    meeting.start = timezone.now() - timedelta(minutes=5)
    with pytest.raises(Exception, match="under way"):
        bulk.check_mode(meeting, bulk.INVITE)


def test_only_coordinators_and_facilitators_open_the_bulk_page(client, network):
    meeting = network["meeting"]
    client.force_login(network["anna"])
    assert client.get(_bulk_url(meeting)).status_code == 302
    assert client.post(_bulk_url(meeting), {"mode": "invite", "countries": ["IT"]}).status_code == 302
    client.force_login(network["outsider"])
    assert client.get(_bulk_url(meeting)).status_code == 404
    client.force_login(network["coordinator"])
    response = client.post(_bulk_url(meeting), {"mode": "invite"})
    assert response.status_code == 400  # at least one criterion
