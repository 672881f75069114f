"""The directory at /: search, filters (theme, country, region, language, open/reserved) and constant queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from communities import hooks
from communities.models import Community
from tests.factories import CommunityFactory, GroupFactory, UserFactory, make_member

pytestmark = pytest.mark.django_db


def names(response) -> set[str]:
    return {community.name for community in response.context["communities"]}


@pytest.fixture
def catalogue(db):
    rebuild = CommunityFactory(
        name="REBUILD",
        tagline="Libyan municipalities learning together",
        description="Basic services and local development.",
        languages=["en", "ar"],
        countries=["LY", "TN"],
        region="",
    )
    rebuild.themes.add("Local development")
    step = CommunityFactory(
        name="STEP Partecipazione",
        tagline="Comunità tematica",
        description="Co-design with citizens.",
        languages=["it"],
        countries=["IT"],
        region="Emilia-Romagna",
        eligible_organization_kinds=["municipality", "region", "public_body"],
    )
    step.themes.add("Civic participation")
    multiply = CommunityFactory(
        name="MULTIPLY",
        tagline="Cities learning from cities",
        description="Energy plans and peer review.",
        languages=["en", "it"],
        countries=["IT", "DE", "FR"],
        region="",
    )
    multiply.themes.add("Energy", "Local development")
    CommunityFactory(name="Hidden network", visibility=Community.Visibility.HIDDEN)
    return rebuild, step, multiply


def test_the_directory_lists_what_a_visitor_may_see(client, catalogue):
    assert names(client.get("/")) == {"REBUILD", "STEP Partecipazione", "MULTIPLY"}


@pytest.mark.parametrize(
    "query,expected",
    [
        ({"q": "rebuild"}, {"REBUILD"}),
        ({"q": "cities learning"}, {"MULTIPLY"}),
        ({"q": "co-design"}, {"STEP Partecipazione"}),
        ({"theme": "local-development"}, {"REBUILD", "MULTIPLY"}),
        ({"theme": "energy"}, {"MULTIPLY"}),
        ({"country": "IT"}, {"STEP Partecipazione", "MULTIPLY"}),
        ({"country": "LY"}, {"REBUILD"}),
        ({"region": "Emilia-Romagna"}, {"STEP Partecipazione"}),
        ({"language": "ar"}, {"REBUILD"}),
        ({"language": "it"}, {"STEP Partecipazione", "MULTIPLY"}),
        ({"access": "open"}, {"REBUILD", "MULTIPLY"}),
        ({"access": "reserved"}, {"STEP Partecipazione"}),
        ({"country": "IT", "access": "open", "theme": "energy"}, {"MULTIPLY"}),
        ({"q": "nothing like this"}, set()),
    ],
)
def test_search_and_filters_narrow_the_directory(client, catalogue, query, expected):
    response = client.get("/", query)

    assert response.status_code == 200
    assert names(response) == expected


def test_the_filter_form_offers_the_themes_countries_and_regions_in_use(client, catalogue):
    page = client.get("/").content.decode()

    for option in ('value="energy"', 'value="civic-participation"', 'value="LY"', 'value="Emilia-Romagna"'):
        assert option in page
    assert 'value="DK"' not in page, "countries no community lists are not offered"
    assert 'method="get"' in page


def test_an_unknown_filter_value_is_ignored_not_an_error(client, catalogue):
    response = client.get("/", {"theme": "gone", "country": "ZZ", "language": "xx", "access": "maybe", "q": "MULTI"})

    assert response.status_code == 200
    assert names(response) == {"MULTIPLY"}


def test_no_match_says_so(client, catalogue):
    page = client.get("/", {"q": "zzz"}).content.decode()

    assert "No community matches your search." in page


def test_cards_show_tagline_member_and_group_counts_and_reserved(client, catalogue):
    _rebuild, step, _multiply = catalogue
    make_member(step)
    make_member(step)
    GroupFactory(community=step)

    response = client.get("/", {"q": "STEP"})
    (card,) = response.context["communities"]
    page = response.content.decode()

    assert (card.member_count, card.group_count) == (2, 1)
    assert "Comunità tematica" in page and "Reserved" in page


def test_a_member_sees_their_badge_on_the_card(client, catalogue):
    rebuild = catalogue[0]
    member = make_member(rebuild)
    client.force_login(member)

    response = client.get("/", {"q": "REBUILD"})

    assert response.context["my_community_ids"] == {rebuild.pk}
    assert "You are a member" in response.content.decode()


def test_cards_show_the_next_meeting_once_a_higher_app_provides_it(client, catalogue):
    def annotate(*, communities, user):
        for community in communities:
            community.next_meeting = f"Steering committee of {community.name}"

    page = client.get("/").content.decode()
    assert "Next meeting" not in page

    hooks.register_directory_annotator(annotate)
    try:
        page = client.get("/").content.decode()
    finally:
        hooks._directory_annotators.remove(annotate)

    assert "Steering committee of MULTIPLY" in page


def _seed(count: int) -> None:
    for n in range(count):
        community = CommunityFactory(countries=["IT"], region=f"Region {n % 3}")
        community.themes.add(f"Theme {n % 4}")
        GroupFactory(community=community)
        make_member(community)


def _directory_queries(client, query) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/", query).status_code == 200
    return len(queries)


@pytest.mark.parametrize("query", [{}, {"q": "Community", "country": "IT", "language": "en", "access": "open"}])
def test_the_directory_runs_the_same_number_of_queries_with_5_or_50_communities(
    client, django_assert_num_queries, query
):
    viewer = UserFactory()
    client.force_login(viewer)
    _seed(5)
    client.get("/")
    expected = _directory_queries(client, query)

    _seed(45)
    # The new cards' member counts are not kept yet: one query counts them all (directory_counts).
    with django_assert_num_queries(expected + 1):
        client.get("/", query)
    with django_assert_num_queries(expected):
        response = client.get("/", query)
    assert len(response.context["communities"]) == 30, "a full page of cards was rendered"
