"""Each key page runs the same number of queries on the demo data and on more data (seed_scale added).

The number is measured, not written down: a page whose queries grow with the data (one per group,
per meeting, per item on the page...) fails here, whatever its count on the demo. The seed adds
communities, groups, people, meetings, registrations, items, follows and threads to the demo's
REBUILD too, and makes its member and coordinator heavy users, so their pages see more of everything.
"""

import io

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from members.models import User

pytestmark = pytest.mark.django_db

MEMBER = "member.rebuild@cop.demo"
COORDINATOR = "coordinator.rebuild@cop.demo"
PAGES = [
    ("directory", None, "/"),
    ("directory", MEMBER, "/"),
    ("community home", None, "/c/rebuild/"),
    ("community home", MEMBER, "/c/rebuild/"),
    ("meeting list", None, "/c/rebuild/meetings/"),
    ("meeting list", MEMBER, "/c/rebuild/meetings/"),
    ("past meetings", MEMBER, "/c/rebuild/meetings/?when=past"),
    ("knowledge list", None, "/c/rebuild/knowledge/"),
    ("knowledge list", MEMBER, "/c/rebuild/knowledge/"),
    ("/me/", MEMBER, "/me/"),
    ("/me/", COORDINATOR, "/me/"),
    ("group page", MEMBER, "group"),
    ("groups page", None, "/c/rebuild/groups/"),
    ("groups page", MEMBER, "/c/rebuild/groups/"),
    ("discussions list", MEMBER, "/c/rebuild/discussions/"),
    ("console", COORDINATOR, "/c/rebuild/manage/"),
    ("webhooks", COORDINATOR, "/c/rebuild/manage/webhooks/"),
    ("community home", COORDINATOR, "/c/rebuild/"),
    ("group page", None, "group"),
    ("group page", COORDINATOR, "group"),
    ("group members", None, "group members"),
    ("group members", MEMBER, "group members"),
    ("directory", COORDINATOR, "/"),
    ("meeting detail", None, "meeting"),
    ("meeting detail", MEMBER, "meeting"),
    ("meeting detail", COORDINATOR, "meeting"),
    ("meeting taking applications", MEMBER, "applications meeting"),
    ("meeting taking applications", COORDINATOR, "applications meeting"),
    ("knowledge item (public)", None, "public item"),
    ("knowledge item (public)", MEMBER, "public item"),
    ("knowledge item (public)", COORDINATOR, "public item"),
    ("knowledge item (members)", MEMBER, "members item"),
    ("knowledge item (members)", COORDINATOR, "members item"),
    ("discussion thread", MEMBER, "thread"),
    ("discussion thread", COORDINATOR, "thread"),
    ("search selective", None, "/search/?q=saffron"),
    ("search selective", MEMBER, "/search/?q=saffron"),
    ("search common", None, "/search/?q=community"),
    ("search common", MEMBER, "/search/?q=community"),
]
CEILING = 12

# The demo group shows a visitor no knowledge, so the authors of its items are not read there (a
# prefetch over no rows asks nothing); with the seed it has public items and reads them: one query
# more, once, not one per item. Measured, not hidden: the page must still stay under the ceiling.
#
# Lists shown in the reader's language read their rows' translations in one query (communities.translation),
# which a list of no rows does not need: the demo group has no meetings (_fill_the_group adds upcoming
# ones, with their themes: one query more, and past ones) and the demo has no meeting matching the common
# search term, the seed adds some. One query more, once, never one per row.
EMPTY_ON_THE_DEMO = {
    ("group page", None): 3,
    ("group page", MEMBER): 2,
    ("group page", COORDINATOR): 2,
    ("search common", None): 1,
    ("search common", MEMBER): 1,
}


def _group_url() -> str:
    from communities.models import Group

    group = Group.objects.filter(community__slug="rebuild", visibility=Group.Visibility.PUBLIC).order_by("pk").first()
    return group.get_absolute_url()


def _url(url: str) -> str:
    """Return the page's URL; a named one is a demo object of REBUILD (the same row before and after the seed)."""
    from discussions.models import Thread
    from knowledge.models import KnowledgeItem
    from meetings.models import Meeting

    if url == "group":
        return _group_url()
    if url == "group members":
        return f"{_group_url()}members/"
    if url == "meeting":
        meetings = Meeting.objects.filter(community__slug="rebuild", visibility=Meeting.Visibility.PUBLIC)
        return meetings.exclude(status=Meeting.Status.CANCELLED).order_by("pk").first().get_absolute_url()
    if url == "applications meeting":
        meetings = Meeting.objects.filter(
            community__slug="rebuild", registration_policy=Meeting.RegistrationPolicy.APPLICATIONS
        )
        return meetings.order_by("pk").first().get_absolute_url()
    if url.endswith(" item"):
        visibility = KnowledgeItem.Visibility.PUBLIC if url == "public item" else KnowledgeItem.Visibility.COMMUNITY
        items = KnowledgeItem.objects.filter(
            community__slug="rebuild", status=KnowledgeItem.Status.PUBLISHED, visibility=visibility, group__isnull=True
        )
        return items.order_by("pk").first().get_absolute_url()
    if url == "thread":
        return (
            Thread.objects.filter(community__slug="rebuild", group__isnull=True)
            .order_by("pk")
            .first()
            .get_absolute_url()
        )
    return url


SEEN: dict[tuple[str, str | None], list[str]] = {}  # each page's last queries, shown when it fails


def _fill_the_group() -> None:
    """Give the measured group every section a page can show, whatever the seed drew for it (by date).

    Upcoming and past meetings, public and for members, with themes and translations: the last CI
    found 14 queries where the seed had given the group meetings on both sides of now, which a run
    at another hour had not.
    """
    from datetime import timedelta

    from django.utils import timezone

    from communities.models import Group
    from meetings.models import Meeting, MeetingTranslation

    group = Group.objects.filter(community__slug="rebuild", visibility=Group.Visibility.PUBLIC).order_by("pk").first()
    now = timezone.now().replace(microsecond=0)
    public, members = Meeting.Visibility.PUBLIC, Meeting.Visibility.MEMBERS
    for days, visibility in ((9, public), (10, members), (-9, public)):
        meeting = Meeting.objects.create(
            community=group.community,
            group=group,
            title=f"Steering committee {days}",
            kind=Meeting.Kind.STEERING_COMMITTEE,
            format=Meeting.Format.ONLINE,
            start=now + timedelta(days=days),
            end=now + timedelta(days=days, hours=2),
            time_zone="Europe/Rome",
            visibility=visibility,
        )
        meeting.themes.add("governance", "circular economy")
        MeetingTranslation.objects.create(master=meeting, language_code="it", title_translation=f"Comitato {days}")


def measure(client) -> dict[tuple[str, str | None], int]:
    counts = {}
    for name, email, url in PAGES:
        client.logout()
        if email:
            client.force_login(User.objects.get(email=email))
        target = _url(url)
        client.get(target)  # warm per-process caches (content types, site) as a server would be
        with CaptureQueriesContext(connection) as context:
            response = client.get(target)
        assert response.status_code == 200, (name, email, response.status_code)
        counts[(name, email)] = len(context.captured_queries)
        SEEN[(name, email)] = [query["sql"][:300] for query in context.captured_queries]
    return counts


def _queries_of(pages) -> str:
    return "\n".join(f"{page}:\n  " + "\n  ".join(SEEN.get(page, [])) for page in pages)


def _grown(client, settings) -> dict:
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    on_demo = measure(client)
    # The scale rows must never outlive this test (the demo copy is shared by later tests): an
    # explicit transaction rolled back, whatever state the test's own transaction is in.
    with transaction.atomic():
        call_command("seed_scale", scale=0.001, seed=3, stdout=io.StringIO())
        _fill_the_group()
        on_more = measure(client)
        transaction.set_rollback(True)
    over = {page: count for page, count in {**on_demo, **on_more}.items() if count > CEILING}
    assert not over, f"pages over {CEILING} queries: {over}\n{_queries_of(over)}"
    return {
        page: (on_demo[page], on_more[page])
        for page in on_demo
        if not 0 <= on_more[page] - on_demo[page] <= EMPTY_ON_THE_DEMO.get(page, 0)
    }


def test_key_pages_run_as_many_queries_on_more_data_as_on_the_demo(demo_data, client, settings):
    grown = _grown(client, settings)
    assert not grown, f"queries grew with the data (demo, more): {grown}"
