"""The console reads the community's groups once: the invitation form offers the rows the page read."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from communities.models import Membership
from tests.factories import CommunityFactory, GroupFactory, UserFactory, make_member

pytestmark = pytest.mark.django_db


def test_the_invitation_form_offers_the_groups_without_reading_them_again(client):
    community = CommunityFactory(slug="readonce")
    groups = [GroupFactory(community=community, name=f"Working group {n}") for n in range(5)]
    coordinator = make_member(community, UserFactory(), role=Membership.Role.COORDINATOR)
    client.force_login(coordinator)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/c/{community.slug}/manage/")

    assert response.status_code == 200
    form = response.context["invite_form"]
    offered = [(str(value), str(label)) for value, label in form.fields["group"].widget.choices]
    assert offered[0] == ("", "The whole community")
    assert sorted(offered[1:]) == sorted((str(group.pk), str(group)) for group in groups)
    for group in groups:
        assert f'<option value="{group.pk}">{group}</option>' in response.content.decode()
    head = 'SELECT "communities_group"."id"'
    lists = [q["sql"] for q in queries.captured_queries if head in q["sql"] and not q["sql"].endswith("LIMIT 1")]
    assert len(lists) == 1, lists  # Django's ModelChoiceField read them again, on a cursor of its own


def test_an_invitation_into_a_group_is_still_checked_against_the_groups(client):
    community = CommunityFactory(slug="readonce2")
    other = GroupFactory(community=CommunityFactory(slug="elsewhere"))
    coordinator = make_member(community, UserFactory(), role=Membership.Role.COORDINATOR)
    client.force_login(coordinator)

    response = client.post(
        f"/c/{community.slug}/manage/invitations/", {"email": "new@example.org", "group": other.pk, "role": "member"}
    )

    assert response.status_code == 400
    assert community.invitations.count() == 0
