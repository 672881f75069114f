"""The demo data: the seed texts' real structure, demo logins, idempotency, and refusal in production."""

import io

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db.models import Count

from communities.models import Community, DimensionValue, Group, Membership, Partnership

pytestmark = pytest.mark.django_db

DEMO_APPS = {"members", "communities", "meetings", "knowledge", "discussions", "account", "guardian", "taggit"}


def seed():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in DEMO_APPS
    }


@pytest.fixture
def seeded(demo_data):
    """The demo data of the session (tests/conftest.py), seeded once by the command tested here."""


def test_five_communities_with_their_places_and_themes(seeded):
    assert set(Community.objects.values_list("slug", flat=True)) == {
        "rebuild",
        "capitale-naturale",
        "con-i-bambini",
        "er-step",
        "multiply",
    }
    rebuild = Community.objects.get(slug="rebuild")
    assert sorted(country.code for country in rebuild.countries) == ["IT", "LY", "TN"]
    assert "capacity building" in rebuild.themes.names()
    assert Community.objects.get(slug="er-step").region == "Emilia-Romagna"


def test_con_i_bambini_has_16_groups_labelled_by_call_and_macro_area(seeded):
    groups = Group.objects.filter(community__slug="con-i-bambini")
    assert groups.count() == 16
    per_group = groups.annotate(labels=Count("dimension_values"))
    assert set(per_group.values_list("labels", flat=True)) == {2}
    calls = DimensionValue.objects.filter(dimension__community__slug="con-i-bambini", dimension__slug="bando")
    assert sorted(calls.values_list("name", flat=True)) == [
        "Adolescenza 2016",
        "Nuove generazioni 2017",
        "Prima Infanzia 2016",
    ]
    areas = DimensionValue.objects.filter(dimension__slug="macro-area").values_list("name", flat=True)
    assert sorted(areas) == ["Centro", "Nord", "Progetti multi-regionali", "Sud e Isole"]
    assert set(groups.filter(dimension_values__name="Sud e Isole").values_list("slug", flat=True)) >= {
        "prima-infanzia-2016-sud-isole-1",
        "nuove-generazioni-2017-sud-isole-2",
    }


def test_rebuild_has_ten_coordination_teams(seeded):
    teams = Group.objects.filter(community__slug="rebuild", kind=Group.Kind.COORDINATION)
    assert teams.count() == 10


def test_con_i_bambini_has_249_funded_projects_split_80_86_83_by_call(seeded):
    funded = Partnership.objects.filter(community__slug="con-i-bambini", role__name="Funded project")
    assert funded.count() == 249
    by_call = dict(
        funded.filter(dimension_values__dimension__slug="bando")
        .values_list("dimension_values__name")
        .annotate(n=Count("pk"))
    )
    assert by_call == {"Prima Infanzia 2016": 80, "Adolescenza 2016": 86, "Nuove generazioni 2017": 83}
    assert funded.filter(dimension_values__dimension__slug="macro-area").count() == 249
    assert funded.filter(organization__name__startswith="Progetto PI16-001 – ").count() == 1


def test_partner_roles_of_multiply_rebuild_and_capitale_naturale(seeded):
    def roles(slug):
        rows = Partnership.objects.filter(community__slug=slug).values_list("role__name").annotate(n=Count("pk"))
        return dict(rows)

    multiply = roles("multiply")
    assert set(multiply) == {"Multiply City", "On the Road City", "Special Prize City"}
    countries = Partnership.objects.filter(community__slug="multiply").values_list("organization__country", flat=True)
    assert len(set(countries)) >= 3
    assert set(roles("rebuild")) == {"Partner municipality", "Partner university"}
    assert roles("capitale-naturale")["Funded partnership"] >= 3


def test_step_has_open_and_reserved_thematic_groups(seeded):
    step = Group.objects.filter(community__slug="er-step")
    assert step.filter(join_policy="open").count() >= 5
    reserved = step.exclude(eligible_organization_kinds=[])
    assert reserved.count() == 2
    assert all("municipality" in group.eligible_organization_kinds for group in reserved)


def test_con_i_bambini_has_three_facilitators(seeded):
    facilitators = Membership.objects.active().filter(community__slug="con-i-bambini", role="facilitator")
    assert facilitators.values("user").distinct().count() == 3


@pytest.mark.parametrize(
    "email",
    ["admin@cop.demo", "coordinator.rebuild@cop.demo", "member.con-i-bambini@cop.demo", "giulia.rossi@cop.demo"],
)
def test_demo_logins_work(client, seeded, email):
    assert client.login(email=email, password="demo")
    client.logout()
    response = client.post("/accounts/login/", {"login": email, "password": "demo"})
    assert response.status_code == 302  # signed in (a verified address), not sent to confirm the email
    assert "confirm" not in response["Location"]


def test_demo_coordinators_manage_their_community(seeded):
    from members.models import User

    coordinator = User.objects.get(email="coordinator.multiply@cop.demo")
    assert coordinator.has_perm("communities.manage_community", Community.objects.get(slug="multiply"))
    assert not coordinator.has_perm("communities.manage_community", Community.objects.get(slug="rebuild"))


def test_running_twice_changes_nothing(seeded, django_assert_max_num_queries):
    first = row_counts()
    assert first["communities.Partnership"] >= 249
    assert first["meetings.Meeting"] > 35 and first["knowledge.KnowledgeItem"] > 5
    assert first["discussions.Thread"] >= 6 and first["discussions.Announcement"] == 5
    # A second run only checks what is there: a bounded number of queries, not one per row (the demo's
    # fixed set of objects is looked up by name, about 420 queries since the content translations came).
    with django_assert_max_num_queries(450):
        seed()
    assert row_counts() == first


def test_refused_when_demo_data_is_not_allowed(db, settings):
    settings.DEMO_DATA_ALLOWED = False
    with pytest.raises(CommandError, match="DEMO_DATA_ALLOWED"):
        seed()
    assert not Community.objects.exists()


def test_con_i_bambini_groups_carry_their_two_themes(seeded):
    groups = Group.objects.filter(community__slug="con-i-bambini").prefetch_related("themes")
    assert groups.count() == 16
    for group in groups:
        assert sorted(tag.name for tag in group.themes.all()) == [
            "le reti nelle prassi progettuali",
            "le sfide educative ai tempi del COVID-19",
        ]


def test_the_network_map_has_people_and_themes_that_connect_communities(seeded):
    from members.models import User

    shown = User.objects.filter(show_in_network=True)
    assert {user.email for user in shown} >= {"amal.bensaid@cop.demo", "giulia.rossi@cop.demo"}
    for user in shown:
        assert Membership.objects.filter(user=user, group__isnull=True, status="active").count() >= 2
    themes = {slug: set(Community.objects.get(slug=slug).themes.names()) for slug in ["rebuild", "multiply"]}
    assert themes["rebuild"] & themes["multiply"]
