"""The console's partners, partner roles and reporting labels: who may act, what each action records, the rules."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from communities.models import (
    Community,
    CommunityEvent,
    DimensionValue,
    Membership,
    PartnerRole,
    Partnership,
    ReportingDimension,
)
from communities.models.partners import partnership_today
from communities.services import PartnerError, partnership_add, partnership_end
from cop_portal.reports.periods import Period
from cop_portal.reports.selectors import Report
from tests.factories import CommunityFactory, GroupFactory, OrganizationFactory, UserFactory, make_member

pytestmark = pytest.mark.django_db

Action = CommunityEvent.Action


def url(community, name, **kwargs):
    return reverse(f"communities:{name}", kwargs={"community_slug": community.slug, **kwargs})


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def community(db):
    return CommunityFactory(slug="multiply", name="MULTIPLY", visibility=Community.Visibility.PUBLIC)


@pytest.fixture
def coordinator(community):
    return make_member(community, UserFactory(full_name="Cora Coordinator"), role=Membership.Role.COORDINATOR)


@pytest.fixture
def facilitator(community):
    group = GroupFactory(community=community, name="Team 1")
    person = make_member(community, UserFactory(full_name="Fay Facilitator"))
    return make_member(community, person, role=Membership.Role.FACILITATOR, group=group)


@pytest.fixture
def world(community):
    """Two roles, a dimension with two labels, a current partner, and an organisation to add."""
    city = PartnerRole.objects.create(community=community, name="Multiply City", order=1)
    lead = PartnerRole.objects.create(community=community, name="Lead partner", order=2)
    spare = PartnerRole.objects.create(community=community, name="Spare role", order=3)
    call = ReportingDimension.objects.create(community=community, name="Funding call", slug="call", order=1)
    first = DimensionValue.objects.create(dimension=call, name="Call 2021", slug="2021", order=1)
    second = DimensionValue.objects.create(dimension=call, name="Call 2022", slug="2022", order=2)
    spare_dimension = ReportingDimension.objects.create(community=community, name="Area", slug="area", order=2)
    spare_value = DimensionValue.objects.create(dimension=call, name="Call 2023", slug="2023", order=3)
    sfax = OrganizationFactory(name="Municipality of Sfax", country="TN", city="Sfax")
    partner = Partnership.objects.create(community=community, organization=sfax, role=city)
    partner.dimension_values.add(first)
    newcomer = OrganizationFactory(name="Comune di Torino", country="IT", city="Torino")
    return {
        "city": city,
        "lead": lead,
        "spare": spare,
        "call": call,
        "first": first,
        "second": second,
        "spare_dimension": spare_dimension,
        "spare_value": spare_value,
        "partner": partner,
        "newcomer": newcomer,
    }


# Each action: (URL name, URL kwargs from world, POST data from world, the event it records, a check it happened).
ACTIONS = {
    "add partner": (
        "manage_partner_add",
        lambda w: {},
        lambda w: {"organization": w["newcomer"].pk, "role": w["lead"].pk},
        Action.PARTNER_ADDED,
        lambda w: Partnership.objects.filter(organization=w["newcomer"], role=w["lead"]).exists(),
    ),
    "change partner": (
        "manage_partner_edit",
        lambda w: {"partnership_pk": w["partner"].pk},
        lambda w: {
            "role": w["lead"].pk,
            "dimension_values": [w["second"].pk],
            "since": "2024-03-01",
            "notes": "Host city",
        },
        Action.PARTNER_CHANGED,
        lambda w: Partnership.objects.filter(pk=w["partner"].pk, role=w["lead"], since=date(2024, 3, 1)).exists(),
    ),
    "end partnership": (
        "manage_partner_end",
        lambda w: {"partnership_pk": w["partner"].pk},
        lambda w: {},
        Action.PARTNERSHIP_ENDED,
        lambda w: Partnership.objects.get(pk=w["partner"].pk).ended_on == partnership_today(),
    ),
    "add role": (
        "manage_role_add",
        lambda w: {},
        lambda w: {"name": "Associated partner"},
        Action.PARTNER_ROLE_ADDED,
        lambda w: PartnerRole.objects.filter(name="Associated partner").exists(),
    ),
    "rename role": (
        "manage_role_rename",
        lambda w: {"role_pk": w["city"].pk},
        lambda w: {"name": "Multiply city"},
        Action.PARTNER_ROLE_CHANGED,
        lambda w: PartnerRole.objects.get(pk=w["city"].pk).name == "Multiply city",
    ),
    "move role": (
        "manage_role_move",
        lambda w: {"role_pk": w["lead"].pk},
        lambda w: {"position": 1},
        Action.PARTNER_ROLE_CHANGED,
        lambda w: list(PartnerRole.objects.order_by("order").values_list("name", flat=True))[0] == "Lead partner",
    ),
    "delete role": (
        "manage_role_delete",
        lambda w: {"role_pk": w["spare"].pk},
        lambda w: {},
        Action.PARTNER_ROLE_DELETED,
        lambda w: not PartnerRole.objects.filter(pk=w["spare"].pk).exists(),
    ),
    "add dimension": (
        "manage_dimension_add",
        lambda w: {},
        lambda w: {"name": "Macro-area"},
        Action.DIMENSION_ADDED,
        lambda w: ReportingDimension.objects.filter(name="Macro-area", slug="macro-area").exists(),
    ),
    "rename dimension": (
        "manage_dimension_rename",
        lambda w: {"dimension_pk": w["call"].pk},
        lambda w: {"name": "Call"},
        Action.DIMENSION_CHANGED,
        lambda w: ReportingDimension.objects.filter(pk=w["call"].pk, name="Call", slug="call").exists(),
    ),
    "move dimension": (
        "manage_dimension_move",
        lambda w: {"dimension_pk": w["spare_dimension"].pk},
        lambda w: {"position": 1},
        Action.DIMENSION_CHANGED,
        lambda w: ReportingDimension.objects.order_by("order").first() == w["spare_dimension"],
    ),
    "delete dimension": (
        "manage_dimension_delete",
        lambda w: {"dimension_pk": w["spare_dimension"].pk},
        lambda w: {},
        Action.DIMENSION_DELETED,
        lambda w: not ReportingDimension.objects.filter(pk=w["spare_dimension"].pk).exists(),
    ),
    "add label": (
        "manage_value_add",
        lambda w: {"dimension_pk": w["call"].pk},
        lambda w: {"name": "Call 2024"},
        Action.DIMENSION_VALUE_ADDED,
        lambda w: DimensionValue.objects.filter(dimension=w["call"], name="Call 2024").exists(),
    ),
    "rename label": (
        "manage_value_rename",
        lambda w: {"value_pk": w["first"].pk},
        lambda w: {"name": "Call one"},
        Action.DIMENSION_VALUE_CHANGED,
        lambda w: DimensionValue.objects.get(pk=w["first"].pk).name == "Call one",
    ),
    "move label": (
        "manage_value_move",
        lambda w: {"value_pk": w["spare_value"].pk},
        lambda w: {"position": 1},
        Action.DIMENSION_VALUE_CHANGED,
        lambda w: DimensionValue.objects.filter(dimension=w["call"]).order_by("order").first() == w["spare_value"],
    ),
    "delete label": (
        "manage_value_delete",
        lambda w: {"value_pk": w["spare_value"].pk},
        lambda w: {},
        Action.DIMENSION_VALUE_DELETED,
        lambda w: not DimensionValue.objects.filter(pk=w["spare_value"].pk).exists(),
    ),
}


@pytest.mark.parametrize("action", ACTIONS, ids=list(ACTIONS))
def test_a_coordinator_does_each_action_and_it_is_recorded(client, community, coordinator, world, action):
    name, kwargs, data, event_action, happened = ACTIONS[action]
    client.force_login(coordinator)

    response = client.post(url(community, name, **kwargs(world)), data(world))

    assert response.status_code == 302
    assert happened(world)
    event = CommunityEvent.objects.get(community=community)
    assert (event.action, event.actor) == (event_action, coordinator)


@pytest.mark.parametrize("viewer", ["facilitator", "member", "outsider"])
@pytest.mark.parametrize("action", ACTIONS, ids=list(ACTIONS))
def test_nobody_but_a_coordinator_may_act(client, community, facilitator, world, action, viewer):
    people = {"facilitator": facilitator, "member": make_member(community), "outsider": UserFactory()}
    name, kwargs, data, _event, happened = ACTIONS[action]
    client.force_login(people[viewer])

    response = client.post(url(community, name, **kwargs(world)), data(world))

    assert response.status_code == 404
    assert not happened(world)
    assert not CommunityEvent.objects.exists()


@pytest.mark.parametrize("viewer", ["facilitator", "member", "outsider"])
def test_the_pages_are_for_coordinators_only(client, community, coordinator, facilitator, world, viewer):
    pages = [
        url(community, "manage_partners"),
        url(community, "manage_labels"),
        url(community, "manage_partner_edit", partnership_pk=world["partner"].pk),
    ]
    client.force_login(coordinator)
    assert [client.get(page).status_code for page in pages] == [200, 200, 200]
    people = {"facilitator": facilitator, "member": make_member(community), "outsider": UserFactory()}
    client.force_login(people[viewer])
    assert [client.get(page).status_code for page in pages] == [404, 404, 404]


def test_the_console_menu_offers_partners_to_coordinators_only(client, community, coordinator, facilitator):
    client.force_login(coordinator)
    assert url(community, "manage_partners") in client.get(url(community, "manage")).content.decode()
    client.force_login(facilitator)
    assert url(community, "manage_partners") not in client.get(url(community, "manage")).content.decode()


def test_a_partner_of_another_community_cannot_be_edited_from_here(client, community, coordinator, world):
    other = CommunityFactory()
    role = PartnerRole.objects.create(community=other, name="Elsewhere")
    theirs = Partnership.objects.create(community=other, organization=world["newcomer"], role=role)
    client.force_login(coordinator)

    assert client.get(url(community, "manage_partner_edit", partnership_pk=theirs.pk)).status_code == 404
    assert client.post(url(community, "manage_partner_end", partnership_pk=theirs.pk)).status_code == 404
    response = client.post(
        url(community, "manage_partner_add"), {"organization": world["newcomer"].pk, "role": role.pk}
    )
    assert not Partnership.objects.filter(community=community, organization=world["newcomer"]).exists()
    assert response.status_code == 302


# --- Ending, reopening, retries ---------------------------------------------------------------------------


@pytest.mark.parametrize("hour", [0, 12, 23])
def test_a_partnership_ended_late_in_the_coordinators_evening_is_gone_for_readers_in_other_zones(
    client, community, coordinator, world, hour
):
    """Partnerships are dated in the deployment's zone: an end shows at once, whatever the reader's zone.

    Dated in the coordinator's zone (Rome, an hour ahead of UTC), one ended at 23:30 UTC got the next
    day's date and stayed on the home page for visitors, who read in UTC, until midnight.
    """
    from datetime import UTC, datetime, time
    from unittest import mock

    coordinator.time_zone = "Europe/Rome"
    coordinator.save(update_fields=["time_zone"])
    moment = datetime.combine(timezone.now().date(), time(hour, 30), tzinfo=UTC)
    home = reverse("communities:home", kwargs={"community_slug": community.slug})
    with mock.patch("django.utils.timezone.now", return_value=moment):
        client.force_login(coordinator)
        client.post(url(community, "manage_partner_end", partnership_pk=world["partner"].pk))
        client.logout()
        assert "Municipality of Sfax" not in client.get(home).content.decode()
    world["partner"].refresh_from_db()
    assert world["partner"].ended_on == moment.date()


def test_an_ended_partnership_leaves_the_home_page_and_readding_reopens_it(client, community, coordinator, world):
    home = reverse("communities:home", kwargs={"community_slug": community.slug})
    assert "Municipality of Sfax" in client.get(home).content.decode()
    client.force_login(coordinator)

    client.post(url(community, "manage_partner_end", partnership_pk=world["partner"].pk))
    client.logout()
    assert "Municipality of Sfax" not in client.get(home).content.decode()

    client.force_login(coordinator)
    page = client.get(url(community, "manage_partners")).content.decode()
    assert page.index("Ended partnerships") < page.index("Municipality of Sfax")
    client.post(
        url(community, "manage_partner_add"),
        {"organization": world["partner"].organization_id, "role": world["city"].pk},
    )
    reopened = Partnership.objects.get(community=community, organization=world["partner"].organization)
    assert reopened.pk == world["partner"].pk and reopened.ended_on is None
    assert list(reopened.dimension_values.all()) == [world["first"]]
    client.logout()
    assert "Municipality of Sfax" in client.get(home).content.decode()
    assert list(CommunityEvent.objects.order_by("pk").values_list("action", flat=True)) == [
        Action.PARTNERSHIP_ENDED,
        Action.PARTNER_ADDED,
    ]


def test_retried_posts_change_nothing_twice(client, community, coordinator, world):
    client.force_login(coordinator)
    add = {"organization": world["newcomer"].pk, "role": world["lead"].pk}
    client.post(url(community, "manage_partner_add"), add)
    client.post(url(community, "manage_partner_add"), add)
    end = url(community, "manage_partner_end", partnership_pk=world["partner"].pk)
    client.post(end)
    response = client.post(end, follow=True)
    assert "This partnership had already ended." in messages_of(response)
    client.post(url(community, "manage_role_add"), {"name": "Observer"})
    response = client.post(url(community, "manage_role_add"), {"name": "Observer"}, follow=True)
    assert "There is already a partner role called Observer." in messages_of(response)
    move = url(community, "manage_role_move", role_pk=world["spare"].pk)
    client.post(move, {"position": 1})
    client.post(move, {"position": 1})

    assert Partnership.objects.filter(organization=world["newcomer"]).count() == 1
    assert PartnerRole.objects.filter(name="Observer").count() == 1
    assert sorted(CommunityEvent.objects.values_list("action", flat=True)) == sorted(
        [Action.PARTNER_ADDED, Action.PARTNERSHIP_ENDED, Action.PARTNER_ROLE_ADDED, Action.PARTNER_ROLE_CHANGED]
    )


def test_saving_a_partner_unchanged_records_nothing(client, community, coordinator, world):
    client.force_login(coordinator)
    data = {"role": world["city"].pk, "dimension_values": [world["first"].pk], "since": "", "notes": ""}
    response = client.post(url(community, "manage_partner_edit", partnership_pk=world["partner"].pk), data)
    assert response.status_code == 302
    assert not CommunityEvent.objects.exists()


def test_a_role_change_that_clashes_is_refused_with_the_reason(client, community, coordinator, world):
    Partnership.objects.create(community=community, organization=world["partner"].organization, role=world["lead"])
    client.force_login(coordinator)
    data = {"role": world["lead"].pk, "since": "", "notes": ""}
    response = client.post(url(community, "manage_partner_edit", partnership_pk=world["partner"].pk), data)
    assert response.status_code == 400
    assert "Municipality of Sfax is already a partner as Lead partner." in response.content.decode()
    assert Partnership.objects.get(pk=world["partner"].pk).role == world["city"]
    assert not CommunityEvent.objects.exists()


def test_a_label_of_another_community_is_refused(client, community, coordinator, world):
    other = ReportingDimension.objects.create(community=CommunityFactory(), name="Theirs", slug="theirs")
    foreign = DimensionValue.objects.create(dimension=other, name="Foreign", slug="foreign")
    client.force_login(coordinator)
    data = {"role": world["city"].pk, "dimension_values": [foreign.pk], "since": "", "notes": ""}
    response = client.post(url(community, "manage_partner_edit", partnership_pk=world["partner"].pk), data)
    assert response.status_code == 400
    assert list(world["partner"].dimension_values.all()) == [world["first"]]


def test_an_unverified_organisation_cannot_become_a_partner(community, coordinator, world):
    proposed = OrganizationFactory(name="Proposed association", is_verified=False)
    with pytest.raises(PartnerError) as error:
        partnership_add(community=community, organization=proposed, role=world["lead"], by=coordinator)
    assert error.value.code == "unverified"
    assert not Partnership.objects.filter(organization=proposed).exists()


# --- Deleting only what nothing uses ----------------------------------------------------------------------


def test_a_role_in_use_is_not_deleted_and_the_coordinator_is_told_why(client, community, coordinator, world):
    partnership_end(partnership=world["partner"], by=coordinator)  # an ended partnership still uses it
    client.force_login(coordinator)
    response = client.post(url(community, "manage_role_delete", role_pk=world["city"].pk), follow=True)

    assert PartnerRole.objects.filter(pk=world["city"].pk).exists()
    assert messages_of(response) == [
        "Multiply City cannot be deleted: 1 partnership uses it (ended ones count too). Rename it instead."
    ]
    assert not CommunityEvent.objects.filter(action=Action.PARTNER_ROLE_DELETED).exists()


def test_labels_in_use_are_not_deleted(client, community, coordinator, world):
    GroupFactory(community=community).dimension_values.add(world["second"])
    client.force_login(coordinator)

    response = client.post(url(community, "manage_value_delete", value_pk=world["second"].pk), follow=True)
    assert messages_of(response) == [
        "Funding call: Call 2022 cannot be deleted: it labels 1 group. Remove the label from them first, or rename it."
    ]
    response = client.post(url(community, "manage_dimension_delete", dimension_pk=world["call"].pk), follow=True)
    assert "it labels 1 group, 1 partnership" in messages_of(response)[0]
    assert DimensionValue.objects.filter(pk=world["second"].pk).exists()
    assert ReportingDimension.objects.filter(pk=world["call"].pk).exists()
    assert not CommunityEvent.objects.exists()


def test_an_empty_name_is_refused(client, community, coordinator, world):
    client.force_login(coordinator)
    response = client.post(url(community, "manage_role_rename", role_pk=world["city"].pk), {"name": "   "}, follow=True)
    assert messages_of(response) == ["Give a name."]
    assert PartnerRole.objects.get(pk=world["city"].pk).name == "Multiply City"


# --- Searching organisations -----------------------------------------------------------------------------


@pytest.fixture
def organisations(db):
    return {
        "bologna": OrganizationFactory(name="Comune di Bologna", city="Bologna", country="IT"),
        "tripoli": OrganizationFactory(name="Municipality of Tripoli", city="Tripoli", country="LY"),
        "misrata": OrganizationFactory(name="Misrata University", city="Misrata", country="LY"),
        "proposed": OrganizationFactory(name="Municipality of Zawiya", city="Zawiya", country="LY", is_verified=False),
    }


def found(client, community, **query) -> set[str]:
    response = client.get(url(community, "manage_partners"), query)
    return {organisation.name for organisation in response.context["results"].object_list}


def test_organisations_are_found_by_name_city_and_country(client, community, coordinator, world, organisations):
    client.force_login(coordinator)
    assert found(client, community, q="municipality") == {"Municipality of Tripoli", "Municipality of Sfax"}
    assert found(client, community, city="misrata") == {"Misrata University"}
    assert found(client, community, country="LY") == {"Municipality of Tripoli", "Misrata University"}
    assert found(client, community, q="municipality", country="TN") == {"Municipality of Sfax"}
    assert client.get(url(community, "manage_partners")).context["results"] is None


def test_the_search_hides_proposed_organisations_and_other_communities_partnerships(
    client, community, coordinator, world, organisations
):
    elsewhere = CommunityFactory(name="Hidden CoP", visibility=Community.Visibility.HIDDEN)
    secret_role = PartnerRole.objects.create(community=elsewhere, name="Secret funder")
    Partnership.objects.create(community=elsewhere, organization=organisations["tripoli"], role=secret_role)
    client.force_login(coordinator)

    response = client.get(url(community, "manage_partners"), {"country": "LY"})
    page = response.content.decode()
    assert "Municipality of Zawiya" not in page
    assert "Secret funder" not in page and "Hidden CoP" not in page
    assert "Partner as Multiply City" in client.get(url(community, "manage_partners"), {"q": "sfax"}).content.decode()


def test_a_proposed_organisation_already_partner_here_is_found(client, community, coordinator, world, organisations):
    Partnership.objects.create(community=community, organization=organisations["proposed"], role=world["lead"])
    client.force_login(coordinator)
    assert found(client, community, q="zawiya") == {"Municipality of Zawiya"}


# --- Reports count current partners ------------------------------------------------------------------------


def test_reports_count_only_current_partners(community, coordinator, world):
    other = Partnership.objects.create(community=community, organization=world["newcomer"], role=world["lead"])
    report = Report(community=community, period=Period(None, None, "all"))
    assert report.table("partners-by-country-x-role").total.values[-1] == 2

    partnership_end(partnership=other, by=coordinator)
    report = Report(community=community, period=Period(None, None, "all"))
    assert report.table("partners-by-country-x-role").total.values[-1] == 1


def test_a_partnership_ending_later_still_counts_until_then(community, world):
    Partnership.objects.filter(pk=world["partner"].pk).update(ended_on=partnership_today() + timedelta(days=3))
    assert Partnership.objects.current().filter(pk=world["partner"].pk).exists()
    Partnership.objects.filter(pk=world["partner"].pk).update(ended_on=partnership_today())
    assert not Partnership.objects.current().filter(pk=world["partner"].pk).exists()


# --- Query counts -----------------------------------------------------------------------------------------


def _add_partners(community, world, count):
    for number in range(count):
        organisation = OrganizationFactory(country="IT", city="Lecce")
        role = world["city"] if number % 2 else world["lead"]
        partnership = Partnership.objects.create(community=community, organization=organisation, role=role)
        partnership.dimension_values.add(world["first"], world["second"])
        if number % 3 == 0:
            partnership.ended_on = partnership_today() - timedelta(days=number + 1)
            partnership.save()


def test_the_partners_list_costs_the_same_queries_for_few_or_many(
    client, community, coordinator, world, django_assert_num_queries
):
    client.force_login(coordinator)
    list_url = url(community, "manage_partners")
    _add_partners(community, world, 2)
    client.get(list_url, {"city": "lecce"})  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as few:
        assert client.get(list_url, {"city": "lecce"}).status_code == 200
    _add_partners(community, world, 15)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(list_url, {"city": "lecce"})
    assert len(response.context["partnerships"]) > 8 and len(response.context["ended"]) > 4


def test_the_labels_page_costs_the_same_queries_for_few_or_many(
    client, community, coordinator, world, django_assert_num_queries
):
    client.force_login(coordinator)
    labels_url = url(community, "manage_labels")
    client.get(labels_url)
    with CaptureQueriesContext(connection) as few:
        client.get(labels_url)
    for number in range(6):
        PartnerRole.objects.create(community=community, name=f"Role {number}")
        dimension = ReportingDimension.objects.create(community=community, name=f"Dim {number}", slug=f"d{number}")
        DimensionValue.objects.create(dimension=dimension, name="Value", slug="value")
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(labels_url)


# --- The admin edits partnerships through the same services -----------------------------------------------


def test_the_admin_adds_changes_and_ends_partnerships_through_the_services(client, community, world):
    from tests.people.admin_forms import form_data

    staff = UserFactory(email="root@example.org", is_staff=True, is_superuser=True)
    client.force_login(staff)
    add_url = reverse("admin:communities_partnership_add")
    fields = form_data(client.get(add_url).content.decode(), form_id="partnership_form")
    fields.update(
        {
            "community": [str(community.pk)],
            "organization": [str(world["newcomer"].pk)],
            "role": [str(world["lead"].pk)],
            "dimension_values": [str(world["second"].pk)],
        }
    )
    assert client.post(add_url, fields).status_code == 302
    added = Partnership.objects.get(organization=world["newcomer"])
    assert list(added.dimension_values.all()) == [world["second"]]

    change_url = reverse("admin:communities_partnership_change", args=[added.pk])
    fields = form_data(client.get(change_url).content.decode(), form_id="partnership_form")
    fields.update({"notes": ["Joined in 2024"], "ended_on": [partnership_today().isoformat()]})
    assert client.post(change_url, fields).status_code == 302
    added.refresh_from_db()
    assert added.notes == "Joined in 2024" and added.is_ended
    assert list(CommunityEvent.objects.order_by("pk").values_list("action", "actor")) == [
        (Action.PARTNER_ADDED, staff.pk),
        (Action.PARTNER_CHANGED, staff.pk),
        (Action.PARTNERSHIP_ENDED, staff.pk),
    ]
