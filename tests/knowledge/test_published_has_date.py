"""A published item always has its date, and the visibility rules say so to the list's index (issue 15).

Drafts have no date and come first in the list's order (published_at DESC puts them first), so a
visitor's count and page walked every draft of the community in knowledge_item_list_idx before the
first item they may see: 18,571 entries, about 4 ms each, in REBUILD at network scale.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from knowledge.models import KnowledgeItem
from knowledge.views import items as item_views
from tests.factories import CommunityFactory, make_member

from .helpers import make_item

pytestmark = pytest.mark.django_db
V = KnowledgeItem.Visibility


def test_a_published_item_without_a_date_is_refused_by_the_database():
    item = make_item(CommunityFactory(), visibility=V.PUBLIC)
    assert item.published_at is not None
    with pytest.raises(IntegrityError), transaction.atomic():
        KnowledgeItem.objects.filter(pk=item.pk).update(published_at=None)
    draft = make_item(item.community, published=False)
    KnowledgeItem.objects.filter(pk=draft.pk).update(published_at=None)  # a draft may have none


def test_a_visitor_and_a_member_see_the_same_items_as_before(client):
    community = CommunityFactory(slug="dated")
    author = make_member(community)
    published = {make_item(community, author=author, visibility=V.PUBLIC, title=f"Public {n}").pk for n in range(3)}
    members = make_item(community, author=author, visibility=V.COMMUNITY, title="For members").pk
    draft = make_item(community, author=author, visibility=V.PUBLIC, published=False, title="Draft").pk
    visitor_sees = set(KnowledgeItem.objects.visible_in(AnonymousUser(), community).values_list("pk", flat=True))
    assert visitor_sees == published
    author_sees = set(KnowledgeItem.objects.visible_in(author, community).values_list("pk", flat=True))
    assert author_sees == published | {members, draft}
    client.force_login(author)
    assert "Draft" in client.get(reverse("knowledge:list", args=[community.slug])).content.decode()


def test_a_visitors_list_starts_its_index_scan_past_the_drafts():
    if connection.vendor != "postgresql":
        pytest.skip("index conditions are read from PostgreSQL's plan (CI runs this on PostgreSQL)")
    community = CommunityFactory(slug="dated")
    make_item(community, visibility=V.PUBLIC)
    make_item(community, visibility=V.PUBLIC, published=False)
    visible = KnowledgeItem.objects.visible_in(AnonymousUser(), community)
    page = visible.order_by(*item_views.LIST_ORDER).values("pk")[: item_views.PAGE_SIZE]
    with transaction.atomic(), connection.cursor() as cursor:
        # The small test table would be read whole: ask for the plan the network's size gets.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        sql, params = page.query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = [row[0] for row in cursor.fetchall()]
    scan = next(n for n, line in enumerate(plan) if "knowledge_item_list_idx" in line)
    assert "published_at IS NOT NULL" in plan[scan + 1], "\n".join(plan)
