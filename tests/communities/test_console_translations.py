"""The console speaks the coordinator's language, down to the help texts of its forms."""

import pytest
from django.urls import reverse
from django.utils import translation

from communities.models import JoinPolicy, Membership
from communities.services import group_archive, group_create
from members.models import Organization
from tests.factories import CommunityFactory, UserFactory, make_member

pytestmark = pytest.mark.django_db

CSV_HELP = {
    "en": "UTF-8, at most 1 MB and 2000 rows",
    "it": "UTF-8, al massimo 1 MB e 2000 righe",
    "ar": "بترميز UTF-8، بحد أقصى 1 ميغابايت و2000 سطر",
}


@pytest.mark.parametrize("language", ["en", "it", "ar"])
def test_the_onboarding_csv_help_is_in_the_coordinators_language(client, language):
    community = CommunityFactory(slug="lang-cop", languages=["en", "it", "ar"])
    coordinator = make_member(community, UserFactory(language=language), role=Membership.Role.COORDINATOR)
    client.force_login(coordinator)

    page = client.get(reverse("communities:manage_onboarding", kwargs={"community_slug": community.slug}))

    html = page.content.decode()
    assert CSV_HELP[language] in html
    assert "name, email, organisation, group, role, language" in html, "the column names stay as the CSV spells them"
    others = {other for other in CSV_HELP if other != language}
    assert not any(CSV_HELP[other] in html for other in others)


def _history(client, community):
    return client.get(reverse("communities:manage_history", kwargs={"community_slug": community.slug})).content.decode()


def test_the_history_names_fields_and_values_as_the_forms_do_not_as_code(client):
    community = CommunityFactory(slug="history-cop", languages=["en", "it", "ar"])
    coordinator = make_member(community, UserFactory(language="en"), role=Membership.Role.COORDINATOR)
    group = group_create(
        community=community,
        by=coordinator,
        name="Municipal officers",
        join_policy=JoinPolicy.APPROVAL,
        eligible_organization_kinds=[Organization.Kind.MUNICIPALITY],
    )
    group_archive(group=group, by=coordinator)
    client.force_login(coordinator)

    html = _history(client, community)

    for shown in ("How people join", "By request, approved by coordinators", "Reserved to organisation kinds"):
        assert f"{shown}" in html, shown
    assert "<del><bdi>No</bdi></del> → <ins><bdi>Yes</bdi></ins>" in html, "archived: No → Yes"
    for code in ("join_policy", "eligible_organization_kinds", ">approval<", ">municipality<", ">True<"):
        assert code not in html, code


def test_the_history_is_in_the_coordinators_language(client):
    community = CommunityFactory(slug="history-ar", languages=["en", "ar"])
    coordinator = make_member(community, UserFactory(language="ar"), role=Membership.Role.COORDINATOR)
    group_create(community=community, by=coordinator, name="Team 2", join_policy=JoinPolicy.APPROVAL)
    client.force_login(coordinator)

    html = _history(client, community)

    with translation.override("ar"):
        expected = [
            str(translation.gettext(text)) for text in ("How people join", "By request, approved by coordinators")
        ]
    assert all(text in html for text in expected), expected
    assert "How people join" not in html and "join_policy" not in html
