"""visible_in(user, community): the visibility rule said for one community gives exactly visible_to's rows (issue 15).

The community pages ask for the meetings and items of one community. visible_in answers what holds for
the whole community once (member? coordinator? may see its content?) instead of putting the whole rule
in every query. These tests compare the two for every kind of viewer, object and community, with the
person read (as within a read-only request) and without.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from communities import permissions
from communities.models import Community, Group, Membership
from communities.permissions import request_answers
from communities.permissions.person import known_person
from communities.services.memberships import membership_leave
from knowledge.models import KnowledgeItem
from knowledge.services import AuthorSpec, review_round_request
from meetings.models import Meeting
from meetings.querysets import CO_ORGANISER_PERM
from tests.factories import CommunityFactory, GroupFactory, UserFactory, make_member
from tests.knowledge.helpers import make_item
from tests.meetings.factories import MeetingFactory

pytestmark = pytest.mark.django_db

GROUP_KINDS = (None, Group.Visibility.PUBLIC, Group.Visibility.MEMBERS, Group.Visibility.PRIVATE)


def _community(visibility):
    community = CommunityFactory(visibility=visibility)
    groups = {kind: GroupFactory(community=community, visibility=kind) if kind else None for kind in GROUP_KINDS}
    return community, groups


@pytest.fixture
def world():
    """Two communities (public, members-only) with every kind of meeting and item, and every kind of viewer."""
    open_one, open_groups = _community(Community.Visibility.PUBLIC)
    closed_one, closed_groups = _community(Community.Visibility.MEMBERS)
    people = {
        "visitor": AnonymousUser(),
        "admin": UserFactory(is_superuser=True, is_staff=True),
        "outsider": UserFactory(),
        "member": UserFactory(),
        "group member": UserFactory(),
        "coordinator": UserFactory(),
        "facilitator": UserFactory(),
        "co-organiser": UserFactory(),
        "former member": UserFactory(),
        "reviewer": UserFactory(),
    }
    for community, groups in ((open_one, open_groups), (closed_one, closed_groups)):
        for name in ("member", "group member", "facilitator", "co-organiser", "former member", "reviewer"):
            make_member(community, people[name])
        make_member(community, people["coordinator"], role=Membership.Role.COORDINATOR)
        make_member(community, people["group member"], group=groups[Group.Visibility.PRIVATE])
        make_member(community, people["group member"], group=groups[Group.Visibility.MEMBERS])
        make_member(community, people["facilitator"], role=Membership.Role.FACILITATOR, group=groups["private"])
        start = timezone.now() + timedelta(days=3)
        for kind, group in groups.items():
            for visibility in Meeting.Visibility.values:
                meeting = MeetingFactory(
                    community=community, group=group, visibility=visibility, start=start, end=start + timedelta(hours=1)
                )
                if kind == Group.Visibility.PRIVATE:
                    permissions.grant(CO_ORGANISER_PERM, people["co-organiser"], meeting)
                    permissions.grant(CO_ORGANISER_PERM, people["former member"], meeting)
            for visibility in KnowledgeItem.Visibility.values:
                if visibility == KnowledgeItem.Visibility.GROUP and group is None:
                    continue
                for published in (True, False):
                    make_item(community, visibility=visibility, group=group, published=published)
                    make_item(
                        community,
                        author=people["former member"],
                        visibility=visibility,
                        group=group,
                        published=published,
                        authors=[AuthorSpec(user=people["former member"]), AuthorSpec(user=people["member"])],
                    )
        draft = make_item(community, visibility=KnowledgeItem.Visibility.COMMUNITY, published=False)
        review_round_request(
            item=draft,
            by=people["coordinator"],
            due_date=timezone.localdate() + timedelta(days=7),
            reviewers=[people["reviewer"]],
        )
        membership_leave(user=people["former member"], community=community)
    return (open_one, closed_one), people


@pytest.mark.parametrize("person_read", [False, True], ids=["from the database", "from the request's person"])
def test_visible_in_is_visible_to_for_one_community(world, person_read):
    communities, people = world
    for name, user in people.items():
        for community in communities:
            with request_answers():
                if person_read and user.is_authenticated:
                    known_person(user)
                for model in (Meeting, KnowledgeItem):
                    expected = set(
                        model.objects.visible_to(user).filter(community=community).values_list("pk", flat=True)
                    )
                    found = set(model.objects.visible_in(user, community).values_list("pk", flat=True))
                    assert found == expected, (name, community.visibility, model.__name__)


def test_the_rule_said_for_one_community_is_shorter(world):
    (open_one, _closed_one), people = world
    member = people["member"]
    with request_answers():
        known_person(member)
        for model in (Meeting, KnowledgeItem):
            whole = str(model.objects.visible_to(member).filter(community=open_one).query).split(" WHERE ", 1)[1]
            said = str(model.objects.visible_in(member, open_one).query).split(" WHERE ", 1)[1]
            assert len(said) < len(whole) * 0.8, (model.__name__, len(said), len(whole))
            # Whether the community's content shows to them is answered once, not by a subquery per row.
            assert whole.count('FROM "communities_community"') > said.count('FROM "communities_community"')
