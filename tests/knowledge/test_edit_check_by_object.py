"""The edit check of an item page looks up the grants of that one item (issue 15: no scan of every item)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from communities import permissions
from communities.models import Membership
from knowledge.models import KnowledgeItem
from knowledge.selectors import can_edit_item
from knowledge.services import AuthorSpec
from tests.factories import CommunityFactory, make_member

from .helpers import make_item

pytestmark = pytest.mark.django_db


def test_the_edit_check_restricts_grants_to_the_item_before_anything_else():
    community = CommunityFactory()
    author, co_author, member = make_member(community), make_member(community), make_member(community)
    item = make_item(community, author=author, authors=[AuthorSpec(user=author), AuthorSpec(user=co_author)])
    other = make_item(community, author=author, title="Other", authors=[AuthorSpec(user=author)])
    with CaptureQueriesContext(connection) as context:
        assert can_edit_item(user=co_author, item=item)
    (sql,) = [q["sql"] for q in context.captured_queries]
    assert f"\"object_pk\" = '{item.pk}'" in sql  # guardian's rows found through their object index
    assert not can_edit_item(user=co_author, item=other)
    assert not can_edit_item(user=member, item=item)
    assert can_edit_item(user=author, item=item)
    # Same answers as the whole-list form, which other pages use.
    for user in (author, co_author, member):
        for each in (item, other):
            whole = KnowledgeItem.objects.editable_by(user).filter(pk=each.pk).exists()
            assert can_edit_item(user=user, item=each) == whole


def test_a_grant_stops_counting_for_one_object_when_its_holder_leaves():
    community = CommunityFactory()
    author, co_author = make_member(community), make_member(community)
    item = make_item(community, author=author, authors=[AuthorSpec(user=author), AuthorSpec(user=co_author)])
    assert permissions.has_grant(co_author, "knowledge.change_knowledgeitem", item)
    Membership.objects.filter(user=co_author).update(status=Membership.Status.LEFT)
    assert not permissions.has_grant(co_author, "knowledge.change_knowledgeitem", item)
    assert not can_edit_item(user=co_author, item=item)
