"""The console speaks the coordinator's language, down to the help texts of its forms."""

import pytest
from django.urls import reverse

from communities.models import Membership
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
