"""Issue 15: a digest lists at most SECTION_LIMIT entries per section and community, the most relevant first,
with "and N more" linking to the community's page for the rest (HTML and text), and every section is bounded."""

from datetime import timedelta

from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cop_portal.digests import SECTION_LIMIT, build_digests, building
from knowledge.models import Follow
from meetings.models import Meeting
from tests.factories import CommunityFactory, GroupFactory, UserFactory, make_member
from tests.meetings.factories import MeetingFactory
from tests.notifications.conftest import html_part
from tests.notifications.test_digests import monday, send_all  # noqa: F401
from tests.notifications.test_digests_bounded import _publish


def _announce(community, count: int, *, before) -> None:
    """Announce count open meetings in the week before `before`, starting the week after."""
    created = [
        MeetingFactory(
            community=community, title=f"Busy meeting {index}", start=before + timedelta(days=7, hours=index)
        )
        for index in range(count)
    ]
    Meeting.objects.filter(pk__in=[m.pk for m in created]).update(created_at=before - timedelta(days=2))


def test_each_community_lists_ten_and_links_to_its_page_for_the_rest_in_html_and_text(db, monday, send_all):  # noqa: F811
    busy = CommunityFactory(slug="busy", name="Busy place")
    quiet = CommunityFactory(slug="quiet", name="Quiet place")
    reader = UserFactory(email="reader@example.org")
    make_member(busy, reader)
    make_member(quiet, reader)
    author = make_member(busy)
    make_member(quiet, author)
    _publish(busy, author, 15, before=monday)
    _publish(quiet, author, 3, before=monday)
    _announce(busy, 40, before=monday)

    send_all(monday)
    (message,) = [m for m in mail.outbox if m.to == ["reader@example.org"]]
    html = html_part(message)
    for part in (message.body, html):
        assert part.count("Busy practice") == SECTION_LIMIT + 3, "ten of the busy community, all three of the quiet one"
        assert part.count("Busy meeting") == SECTION_LIMIT
    assert "and 5 more in \u2068Busy place\u2069: http://" in message.body and "/c/busy/knowledge/" in message.body
    assert "and 30 more in \u2068Busy place\u2069: http://" in message.body and "/c/busy/meetings/" in message.body
    assert "more in Quiet place" not in message.body
    assert 'knowledge/">and 5 more in <bdi>Busy place</bdi></a>' in html
    assert 'meetings/">and 30 more in <bdi>Busy place</bdi></a>' in html


def test_meetings_are_read_in_bounded_number_with_the_same_queries_as_a_community_grows(db, monday):  # noqa: F811
    community = CommunityFactory()
    reader = make_member(community)
    _announce(community, 5, before=monday)
    with CaptureQueriesContext(connection) as small:
        (few,) = build_digests([reader], now=monday)
    _announce(community, 60, before=monday)
    with CaptureQueriesContext(connection) as large:
        (many,) = build_digests([reader], now=monday)
    assert len(small) == len(large)
    assert len(few.meetings) == 5
    assert len(many.meetings) == building.PARTITION_CAP, "the build read a bounded number of meetings"
    assert many.unread["meetings"] == {community.pk: 65 - building.PARTITION_CAP}
    assert many.payload()["unread"]["meetings"] == {str(community.pk): 65 - building.PARTITION_CAP}


def test_items_of_a_followed_group_come_first_then_the_newest(db, monday):  # noqa: F811
    community = CommunityFactory()
    group = GroupFactory(community=community)
    author, reader = make_member(community), make_member(community)
    _publish(community, author, 12, before=monday)
    followed = community.knowledge_items.order_by("published_at").first()  # the oldest
    followed.group = group
    followed.save(update_fields=["group"])
    Follow.objects.create(user=reader, group=group)

    (digest,) = build_digests([reader], now=monday)
    assert digest.knowledge[0] == followed
    rest = digest.knowledge[1:]
    assert rest == sorted(rest, key=lambda item: item.published_at, reverse=True)
