"""Issue 15: a digest lists at most SECTION_LIMIT items and "and N more"; building it reads a bounded number of rows."""

from datetime import timedelta

from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cop_portal.digests import SECTION_LIMIT, build_digests, building
from knowledge.models import KnowledgeItem
from tests.factories import CommunityFactory, UserFactory, make_member
from tests.notifications.test_digests import monday, send_all  # noqa: F401


def _publish(community, author, count: int, *, before) -> None:
    """Publish count items in the week before `before` (bulk, as a busy community would have)."""
    KnowledgeItem.objects.bulk_create(
        KnowledgeItem(
            community=community,
            slug=f"busy-{index}",
            title=f"Busy practice {index}",
            kind=KnowledgeItem.Kind.GOOD_PRACTICE,
            status=KnowledgeItem.Status.PUBLISHED,
            visibility=KnowledgeItem.Visibility.COMMUNITY,
            published_at=before - timedelta(days=2, minutes=index),
            created_by=author,
        )
        for index in range(count)
    )


def test_a_community_with_200_new_items_lists_ten_and_says_how_many_more(db, monday, send_all):  # noqa: F811
    community = CommunityFactory()
    author, reader = make_member(community), make_member(community, UserFactory(email="reader@example.org"))
    _publish(community, author, 200, before=monday)

    digest = next(d for d in build_digests([reader], now=monday) if d.user == reader)
    assert len(digest.knowledge) <= building.PARTITION_CAP, "the build read a bounded number of items"
    assert len(digest.knowledge) + digest.knowledge_unread == 200

    send_all(monday)
    (message,) = [m for m in mail.outbox if m.to == ["reader@example.org"]]
    assert message.body.count("Busy practice") == SECTION_LIMIT
    assert "Busy practice 0" in message.body, "the newest first"
    assert "and 190 more" in message.body


def test_the_build_reads_the_same_queries_and_a_bounded_number_of_items_as_a_community_grows(db, monday):  # noqa: F811
    community = CommunityFactory()
    author, reader = make_member(community), make_member(community)
    _publish(community, author, 20, before=monday)
    with CaptureQueriesContext(connection) as small:
        (few,) = build_digests([reader], now=monday)
    KnowledgeItem.objects.filter(community=community).delete()
    _publish(community, author, 400, before=monday)
    with CaptureQueriesContext(connection) as large:
        (many,) = build_digests([reader], now=monday)
    assert len(small) == len(large)
    assert len(few.knowledge) == len(many.knowledge) == building.PARTITION_CAP
    assert many.knowledge_unread == 400 - building.PARTITION_CAP
