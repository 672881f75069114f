"""Country names in the meeting forms follow the active language, not the one at import time."""

from django.contrib.auth.models import AnonymousUser
from django.utils import translation

from communities.models import Group
from meetings.forms import MeetingForm
from tests.factories import CommunityFactory


def _country_labels(db_community):
    form = MeetingForm(community=db_community, user=AnonymousUser(), groups=Group.objects.none(), group_required=False)
    return dict(form.fields["country"].choices)


def test_country_names_are_in_the_viewers_language(db):
    community = CommunityFactory()
    with translation.override("it"):
        assert _country_labels(community)["DE"] == "Germania"
    with translation.override("en"):
        assert _country_labels(community)["DE"] == "Germany"
