"""Django admin for partners: every page renders, saves keep permissions in step, actions and export work."""

import csv
import datetime
import io

import pytest
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils import timezone

from communities.models import (
    DimensionValue,
    Invitation,
    Membership,
    MembershipEvent,
    PartnerRole,
    Partnership,
    ReportingDimension,
)
from tests.factories import CommunityFactory, GroupFactory, OrganizationFactory, UserFactory, make_member
from tests.people.admin_forms import form_data

pytestmark = pytest.mark.django_db

MANAGE = "communities.manage_community"


@pytest.fixture
def superuser():
    return UserFactory(email="root@example.org", is_staff=True, is_superuser=True)


@pytest.fixture
def data(superuser):
    community = CommunityFactory(slug="rebuild", name="REBUILD")
    group = GroupFactory(community=community, slug="team-1", name="Coordination team 1")
    org = OrganizationFactory(name="Municipality of Misrata", country="LY", kind="municipality")
    person = make_member(community, UserFactory(full_name="Amal Ben Saïd", organization=org), group=group)
    dimension = ReportingDimension.objects.create(community=community, name="Funding call", slug="call")
    value = DimensionValue.objects.create(dimension=dimension, name="Call 2016", slug="call-2016")
    group.dimension_values.add(value)
    role = PartnerRole.objects.create(community=community, name="Partner municipality")
    partnership = Partnership.objects.create(community=community, organization=org, role=role)
    partnership.dimension_values.add(value)
    invitation = Invitation.objects.create(
        community=community, email="guest@example.org", key="k" * 40, expires_at=timezone.now() + datetime.timedelta(7)
    )
    membership = Membership.objects.get(user=person, community=community, group=None)
    MembershipEvent.objects.create(membership=membership, action=MembershipEvent.Action.JOINED, actor=superuser)
    return {
        "community": community,
        "group": group,
        "org": org,
        "person": person,
        "dimension": dimension,
        "value": value,
        "role": role,
        "partnership": partnership,
        "invitation": invitation,
        "membership": membership,
    }


def _admins():
    return sorted(
        (model._meta.app_label, model._meta.model_name)
        for model in admin.site._registry
        if model._meta.app_label in {"members", "communities"}
    )


def test_every_partner_model_is_in_the_admin():
    assert set(_admins()) >= {
        ("members", "organization"),
        ("members", "user"),
        ("communities", "community"),
        ("communities", "group"),
        ("communities", "membership"),
        ("communities", "membershipevent"),
        ("communities", "invitation"),
        ("communities", "partnerrole"),
        ("communities", "partnership"),
        ("communities", "reportingdimension"),
        ("communities", "dimensionvalue"),
    }


@pytest.mark.parametrize("app_label,model_name", _admins())
def test_changelist_search_and_change_form_render(client, superuser, data, app_label, model_name):
    client.force_login(superuser)
    changelist = reverse(f"admin:{app_label}_{model_name}_changelist")
    assert client.get(changelist).status_code == 200
    assert client.get(changelist, {"q": "Misrata"}).status_code == 200
    model = next(m for m in admin.site._registry if (m._meta.app_label, m._meta.model_name) == (app_label, model_name))
    obj = model.objects.order_by("pk").first()
    assert obj is not None, f"the fixture has no {model_name}"
    assert client.get(reverse(f"admin:{app_label}_{model_name}_change", args=[obj.pk])).status_code == 200
    model_admin = admin.site._registry[model]
    if model_admin.has_add_permission(_request(superuser)):
        assert client.get(reverse(f"admin:{app_label}_{model_name}_add")).status_code == 200


def _request(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = user
    return request


@pytest.mark.parametrize(
    "params",
    [
        {"kind__exact": "municipality"},
        {"country__exact": "LY"},
    ],
)
def test_organisation_filters(client, superuser, data, params):
    client.force_login(superuser)
    response = client.get(reverse("admin:members_organization_changelist"), params)
    assert response.status_code == 200
    assert "Municipality of Misrata" in response.content.decode()


def test_membership_filters_by_community_role_and_status(client, superuser, data):
    client.force_login(superuser)
    url = reverse("admin:communities_membership_changelist")
    params = {"community__id__exact": data["community"].pk, "role__exact": "member", "status__exact": "active"}
    response = client.get(url, params)
    assert response.status_code == 200
    assert response.context["cl"].result_count == 2  # the community and the group membership


@pytest.mark.parametrize(
    "app_label,model_name,key",
    [
        ("communities", "community", "community"),
        ("communities", "group", "group"),
        ("members", "organization", "org"),
        ("members", "user", "person"),
        ("communities", "reportingdimension", "dimension"),
        ("communities", "partnership", "partnership"),
        ("communities", "membership", "membership"),
    ],
)
def test_change_forms_save_unchanged(client, superuser, data, app_label, model_name, key):
    """Posting a change form back as rendered (inlines included) saves without an error."""
    client.force_login(superuser)
    url = reverse(f"admin:{app_label}_{model_name}_change", args=[data[key].pk])
    fields = form_data(client.get(url).content.decode(), form_id=f"{model_name}_form")
    response = client.post(url, fields)
    assert response.status_code == 302, response.context and _errors(response)


def _errors(response):
    errors = [response.context["adminform"].form.errors]
    errors += [formset.formset.errors for formset in response.context.get("inline_admin_formsets", [])]
    return errors


def test_inlines_on_community_organisation_and_dimension(client, superuser, data):
    client.force_login(superuser)
    community = client.get(reverse("admin:communities_community_change", args=[data["community"].pk]))
    assert "Amal Ben Saïd" in community.content.decode()
    org = client.get(reverse("admin:members_organization_change", args=[data["org"].pk]))
    assert "Partner municipality" in org.content.decode()
    dimension = client.get(reverse("admin:communities_reportingdimension_change", args=[data["dimension"].pk]))
    assert 'value="Call 2016"' in dimension.content.decode()


def test_the_admin_has_no_object_permission_pages_of_its_own(client, superuser, data):
    # Roles and per-object grants are written only by the services (communities.permissions):
    # guardian's "Object permissions" pages would be a second write path.
    from django.urls import NoReverseMatch

    client.force_login(superuser)
    with pytest.raises(NoReverseMatch):
        reverse("admin:communities_community_permissions", args=[data["community"].pk])
    page = client.get(reverse("admin:communities_community_change", args=[data["community"].pk]))
    assert page.status_code == 200
    assert "/permissions/" not in page.content.decode()


def test_membership_events_are_read_only(client, superuser, data):
    client.force_login(superuser)
    event = MembershipEvent.objects.first()
    assert client.get(reverse("admin:communities_membershipevent_add")).status_code == 403
    response = client.post(reverse("admin:communities_membershipevent_delete", args=[event.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert MembershipEvent.objects.filter(pk=event.pk).exists()


def test_staff_without_permissions_cannot_open_the_import(client, data):
    client.force_login(UserFactory(is_staff=True))
    assert client.get(reverse("admin:communities_membership_import")).status_code == 403


def test_member_cannot_open_the_admin(client, data):
    client.force_login(data["person"])
    response = client.get(reverse("admin:communities_membership_changelist"))
    assert response.status_code == 302


# --- saving memberships keeps guardian permissions in step ---------------------------------------------------


def test_making_someone_coordinator_in_the_admin_grants_the_permission(client, superuser, data):
    person, membership = data["person"], data["membership"]
    assert not person.has_perm(MANAGE, data["community"])
    client.force_login(superuser)
    url = reverse("admin:communities_membership_change", args=[membership.pk])
    fields = form_data(client.get(url).content.decode(), form_id="membership_form")
    fields["role"] = ["coordinator"]
    assert client.post(url, fields).status_code == 302
    person = type(person).objects.get(pk=person.pk)  # a fresh object: no cached permissions
    assert person.has_perm(MANAGE, data["community"])
    assert person.has_perm("communities.manage_group", data["group"])
    event = MembershipEvent.objects.filter(membership=membership).first()
    assert (event.action, event.from_role, event.to_role, event.actor) == (
        "role_changed",
        "member",
        "coordinator",
        superuser,
    )


def test_removing_a_coordinator_in_the_admin_removes_the_permission_and_keeps_the_history(client, superuser, data):
    coordinator = make_member(data["community"], UserFactory(), role="coordinator")
    make_member(data["community"], UserFactory(), role="coordinator")  # the community keeps one
    assert coordinator.has_perm(MANAGE, data["community"])
    membership = Membership.objects.get(user=coordinator, group=None)
    client.force_login(superuser)
    response = client.post(
        reverse("admin:communities_membership_changelist"),
        {"action": "remove_selected", ACTION_CHECKBOX_NAME: [membership.pk], "index": 0},
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.status == "left"
    assert membership.events.first().action == "removed"
    assert not type(coordinator).objects.get(pk=coordinator.pk).has_perm(MANAGE, data["community"])


def test_memberships_cannot_be_deleted_one_by_one(client, superuser, data):
    client.force_login(superuser)
    url = reverse("admin:communities_membership_delete", args=[data["membership"].pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert Membership.objects.filter(pk=data["membership"].pk).exists()


def test_coordinator_added_on_the_community_inline_gets_the_permission(client, superuser, data):
    newcomer = UserFactory(full_name="Newcomer")
    client.force_login(superuser)
    url = reverse("admin:communities_community_change", args=[data["community"].pk])
    fields = form_data(client.get(url).content.decode(), form_id="community_form")
    prefix = "memberships"
    total = int(fields[f"{prefix}-TOTAL_FORMS"][0])
    fields[f"{prefix}-TOTAL_FORMS"] = [str(total + 1)]
    fields[f"{prefix}-{total}-user"] = [str(newcomer.pk)]
    fields[f"{prefix}-{total}-role"] = ["coordinator"]
    fields[f"{prefix}-{total}-status"] = ["active"]
    response = client.post(url, fields)
    assert response.status_code == 302, _errors(response)
    assert type(newcomer).objects.get(pk=newcomer.pk).has_perm(MANAGE, data["community"])


def test_a_group_of_another_community_is_refused(client, superuser, data):
    foreign_group = GroupFactory(community=CommunityFactory())
    newcomer = UserFactory()
    client.force_login(superuser)
    url = reverse("admin:communities_membership_add")
    fields = form_data(client.get(url).content.decode(), form_id="membership_form")
    fields.update(
        user=[str(newcomer.pk)],
        community=[str(data["community"].pk)],
        group=[str(foreign_group.pk)],
        role=["member"],
        status=["active"],
    )
    response = client.post(url, fields)
    assert response.status_code == 200
    assert "This group belongs to another community." in response.content.decode()
    assert not Membership.objects.filter(user=newcomer).exists()


def test_a_membership_cannot_be_moved_to_another_group(client, superuser, data):
    other_group = GroupFactory(community=data["community"])
    client.force_login(superuser)
    url = reverse("admin:communities_community_change", args=[data["community"].pk])
    fields = form_data(client.get(url).content.decode(), form_id="community_form")
    row = next(key for key, value in fields.items() if key.endswith("-group") and value == [str(data["group"].pk)])
    fields[row] = [str(other_group.pk)]
    response = client.post(url, fields)
    assert response.status_code == 200
    assert "A membership stays with its person and place" in response.content.decode()
    assert Membership.objects.filter(user=data["person"], group=data["group"], status="active").exists()


def test_a_partner_role_of_another_community_is_refused(client, superuser, data):
    other_role = PartnerRole.objects.create(community=CommunityFactory(), name="Multiply City")
    client.force_login(superuser)
    url = reverse("admin:communities_partnership_change", args=[data["partnership"].pk])
    fields = form_data(client.get(url).content.decode(), form_id="partnership_form")
    fields["role"] = [str(other_role.pk)]
    response = client.post(url, fields)
    assert response.status_code == 200
    assert "This role belongs to another community." in response.content.decode()


# --- actions --------------------------------------------------------------------------------------------------


@pytest.fixture
def pending(data):
    people = [UserFactory(full_name=f"Applicant {n}") for n in range(2)]
    return [
        Membership.objects.create(user=person, community=data["community"], status=Membership.Status.PENDING, role=role)
        for person, role in zip(people, ["member", "coordinator"], strict=True)
    ]


def _action(client, action, rows, **extra):
    return client.post(
        reverse("admin:communities_membership_changelist"),
        {"action": action, ACTION_CHECKBOX_NAME: [row.pk for row in rows], "index": 0, **extra},
        follow=True,
    )


def test_approve_selected_requests(client, superuser, data, pending):
    client.force_login(superuser)
    response = _action(client, "approve_selected", [*pending, data["membership"]])
    body = response.content.decode()
    assert "Approved 2 requests." in body
    assert "1 selected row was not a pending request" in body
    for membership in pending:
        membership.refresh_from_db()
        assert membership.status == "active"
        assert membership.decided_by == superuser
        assert membership.events.filter(action="approved", actor=superuser).exists()
    coordinator = type(superuser).objects.get(pk=pending[1].user_id)
    assert coordinator.has_perm(MANAGE, data["community"])
    _action(client, "approve_selected", pending)
    assert MembershipEvent.objects.filter(action="approved").count() == 2  # approving twice records nothing


def test_decline_asks_for_a_reason_then_declines(client, superuser, data, pending):
    client.force_login(superuser)
    confirm = _action(client, "decline_selected", pending)
    assert "Decline these 2 pending requests?" in confirm.content.decode()
    assert all(m.status == "pending" for m in Membership.objects.filter(pk__in=[p.pk for p in pending]))
    fields = form_data(confirm.content.decode())
    fields.pop("csrfmiddlewaretoken", None)
    fields["reason"] = ["The group is full this year."]
    response = client.post(reverse("admin:communities_membership_changelist"), fields, follow=True)
    assert "Declined 2 requests." in response.content.decode()
    for membership in pending:
        membership.refresh_from_db()
        assert membership.status == "declined"
        assert membership.decision_reason == "The group is full this year."
        assert membership.events.filter(action="declined", reason="The group is full this year.").exists()


def test_revoke_selected_invitations(client, superuser, data):
    client.force_login(superuser)
    client.post(
        reverse("admin:communities_invitation_changelist"),
        {"action": "revoke_selected", ACTION_CHECKBOX_NAME: [data["invitation"].pk], "index": 0},
    )
    data["invitation"].refresh_from_db()
    assert data["invitation"].revoked_at is not None


def _csv(response):
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_export_selected_memberships_as_csv(client, superuser, data):
    client.force_login(superuser)
    response = client.post(
        reverse("admin:communities_membership_changelist"),
        {"action": "export_as_csv", ACTION_CHECKBOX_NAME: [data["membership"].pk], "index": 0},
    )
    rows = _csv(response)
    assert rows[0][:5] == ["User", "Community", "Group", "Role", "Status"]
    assert rows[1][:5] == ["Amal Ben Saïd", "REBUILD", "", "Member", "Active"]
    assert len(rows) == 2


@pytest.mark.parametrize(
    "app_label,model_name",
    [("members", "organization"), ("communities", "partnership"), ("communities", "membershipevent")],
)
def test_every_admin_offers_the_csv_export(client, superuser, data, app_label, model_name):
    client.force_login(superuser)
    url = reverse(f"admin:{app_label}_{model_name}_changelist")
    assert 'value="export_as_csv"' in client.get(url).content.decode()


def test_export_neutralises_spreadsheet_formulas(client, superuser, data):
    org = OrganizationFactory(name='=HYPERLINK("http://evil")', kind="ngo")
    client.force_login(superuser)
    response = client.post(
        reverse("admin:members_organization_changelist"),
        {"action": "export_as_csv", ACTION_CHECKBOX_NAME: [org.pk, data["org"].pk], "index": 0},
    )
    rows = _csv(response)
    assert rows[0][:3] == ["Name", "Kind", "Country"]
    names = {row[0]: row for row in rows[1:]}
    assert '\'=HYPERLINK("http://evil")' in names
    assert names["Municipality of Misrata"][1:3] == ["Municipality", "Libya"]


def test_the_admin_refuses_to_demote_the_last_coordinator(client, superuser, data):
    coordinator = make_member(data["community"], UserFactory(), role="coordinator")
    membership = Membership.objects.get(user=coordinator, group=None)
    client.force_login(superuser)
    url = reverse("admin:communities_membership_change", args=[membership.pk])
    fields = form_data(client.get(url).content.decode(), form_id="membership_form")
    fields["role"] = ["member"]
    response = client.post(url, fields)
    assert response.status_code == 200
    assert "A community needs a coordinator" in response.content.decode()
    membership.refresh_from_db()
    assert membership.role == "coordinator"

    # With a second coordinator in place, the same edit goes through.
    make_member(data["community"], UserFactory(), role="coordinator")
    assert client.post(url, fields).status_code == 302
    membership.refresh_from_db()
    assert membership.role == "member"


# --- the admin writes memberships through the console's services ---------------------------------------------


def _history(user, community):
    """Return the membership events of user in community, oldest first, as (place, action, from, to, actor)."""
    events = MembershipEvent.objects.filter(membership__user=user, membership__community=community).order_by("pk")
    return [
        ("group" if e.membership.group_id else "community", e.action, e.from_role, e.to_role, e.actor_id)
        for e in events
    ]


def _twin(data):
    """Return a second person in the same place as data's person: member of the community and its group."""
    return make_member(data["community"], UserFactory(), group=data["group"])


def _post_membership(client, membership, **changes):
    url = reverse("admin:communities_membership_change", args=[membership.pk])
    fields = form_data(client.get(url).content.decode(), form_id="membership_form")
    fields.update({name: [value] for name, value in changes.items()})
    return client.post(url, fields)


def test_granting_in_the_admin_takes_up_a_left_membership_as_the_console_does(client, superuser, data):
    from communities import services

    person, twin, community, group = data["person"], _twin(data), data["community"], data["group"]
    for user in (person, twin):
        services.membership_leave(user=user, community=community)
    MembershipEvent.objects.all().delete()
    client.force_login(superuser)

    group_membership = Membership.objects.get(user=person, group=group)
    assert _post_membership(client, group_membership, status="active").status_code == 302
    services.membership_grant(user=twin, community=community, group=group, by=superuser)

    # The community membership the person had left is active again, as membership_grant makes it.
    assert Membership.objects.get(user=person, community=community, group=None).status == "active"
    assert group_membership.__class__.objects.get(pk=group_membership.pk).status == "active"
    assert (
        _history(person, community)
        == _history(twin, community)
        == [
            ("community", "joined", "", "member", superuser.pk),
            ("group", "joined", "", "member", superuser.pk),
        ]
    )


def test_adding_a_membership_for_someone_who_left_reuses_their_row(client, superuser, data):
    from communities import services

    person, community = data["person"], data["community"]
    services.membership_leave(user=person, community=community)
    client.force_login(superuser)
    url = reverse("admin:communities_membership_add")
    fields = form_data(client.get(url).content.decode(), form_id="membership_form")
    fields.update(user=[str(person.pk)], community=[str(community.pk)], role=["facilitator"], status=["active"])
    response = client.post(url, fields)
    assert response.status_code == 302, _errors(response)
    (membership,) = Membership.objects.filter(user=person, community=community, group=None)
    assert (membership.status, membership.role) == ("active", "facilitator")
    assert membership.events.first().action == "joined"


def test_a_role_change_in_the_admin_sends_the_consoles_notice_and_event(
    client, superuser, data, django_capture_on_commit_callbacks
):
    from django.core import mail

    from communities import services

    person, twin, community = data["person"], _twin(data), data["community"]
    MembershipEvent.objects.all().delete()
    client.force_login(superuser)
    membership = Membership.objects.get(user=person, group=None)
    with django_capture_on_commit_callbacks(execute=True):
        assert _post_membership(client, membership, role="facilitator").status_code == 302
    admin_mail = [(m.to, m.subject) for m in mail.outbox]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.membership_change_role(
            membership=Membership.objects.get(user=twin, group=None), role="facilitator", by=superuser
        )
    console_mail = [(m.to, m.subject) for m in mail.outbox]

    assert (
        _history(person, community)
        == _history(twin, community)
        == [("community", "role_changed", "member", "facilitator", superuser.pk)]
    )
    assert len(admin_mail) == len(console_mail) == 1
    assert admin_mail[0][0] == [person.email] and admin_mail[0][1] == console_mail[0][1]


def test_ending_a_membership_in_the_admin_removes_the_person_as_the_console_does(client, superuser, data):
    from communities import services

    person, twin, community = data["person"], _twin(data), data["community"]
    make_member(community, UserFactory(), role="coordinator")  # the community keeps a coordinator
    for user in (person, twin):
        Membership.objects.filter(user=user, group=None).update(role="coordinator")
        services.permissions_sync(user=user, community=community)
    MembershipEvent.objects.all().delete()
    client.force_login(superuser)

    membership = Membership.objects.get(user=person, group=None)
    response = _post_membership(client, membership, status="left", decision_reason="Moved to another job")
    assert response.status_code == 302
    services.membership_remove(
        membership=Membership.objects.get(user=twin, group=None), by=superuser, reason="Moved to another job"
    )

    expected = [
        ("community", "removed", "coordinator", "", superuser.pk),
        ("group", "removed", "member", "", superuser.pk),
    ]
    assert _history(person, community) == _history(twin, community) == expected
    assert not Membership.objects.filter(user=person, status="active").exists()
    assert not type(person).objects.get(pk=person.pk).has_perm(MANAGE, community)


def test_a_step_no_service_makes_is_refused_and_changes_nothing(client, superuser, data):
    client.force_login(superuser)
    membership = data["membership"]
    events = membership.events.count()
    response = _post_membership(client, membership, status="pending")
    assert response.status_code == 200
    assert "Only the person can ask to join" in response.content.decode()
    membership.refresh_from_db()
    assert membership.status == "active"
    assert membership.events.count() == events
