"""List pages show each row in the reader's language where translated, marked with lang/dir (issue 17).

The directory, a community's groups, the meeting list, /me/, announcements and the meeting results
of search read every row's translation into the reader's language in one query for the whole list:
the tests below count a page's queries with one row and with three, and pin the count.
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from communities.models import CommunityTranslation, GroupTranslation, Membership
from discussions.models import Announcement, AnnouncementTranslation
from meetings.models import MeetingTranslation
from tests.factories import CommunityFactory, GroupFactory, UserFactory, make_member
from tests.meetings.factories import MeetingFactory

pytestmark = pytest.mark.django_db


def _read(client, url, language="ar", **params):
    client.cookies["django_language"] = language
    client.get(url, params, HTTP_ACCEPT_LANGUAGE=language)  # warm the caches a first request fills
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, url
    return response.content.decode(), len(queries)


def _link(html: str, text: str) -> str:
    """Return the opening tag of the <a> whose text is text."""
    match = re.search(rf"<a\b([^>]*)>\s*{re.escape(text)}\s*</a>", html)
    assert match, f"no link reading {text!r}"
    return match.group(1)


def _marked_arabic(html: str, text: str) -> None:
    attributes = _link(html, text)
    assert 'lang="ar"' in attributes and 'dir="rtl"' in attributes, attributes


@pytest.fixture
def rebuild():
    return CommunityFactory(slug="rebuild-l", name="REBUILD", languages=["en", "ar"], default_language="en")


def _community(n):
    community = CommunityFactory(name=f"Network {n}", languages=["en", "ar"], default_language="en", language="en")
    CommunityTranslation.objects.create(master=community, language_code="ar", name_translation=f"شبكة {n}")
    return community


def _group(community, n):
    group = GroupFactory(community=community, name=f"Board {n}", language="")
    GroupTranslation.objects.create(master=group, language_code="ar", name_translation=f"مجلس {n}")
    return group


def _meeting(community, n):
    meeting = MeetingFactory(community=community, title=f"Partnership meeting {n}", language="en")
    MeetingTranslation.objects.create(master=meeting, language_code="ar", title_translation=f"اجتماع الشراكة {n}")
    return meeting


def _announcement(community, n):
    announcement = Announcement.objects.create(
        community=community, title=f"Call for cities {n}", body="Apply by May.", language="en"
    )
    AnnouncementTranslation.objects.create(
        master=announcement, language_code="ar", title_translation=f"دعوة للمدن {n}", body_translation="قدموا."
    )
    return announcement


def test_the_directory_shows_community_names_in_the_readers_language(client):
    _community(1)
    html, one = _read(client, "/")
    _marked_arabic(html, "شبكة 1")
    _community(2), _community(3)
    html, three = _read(client, "/")
    _marked_arabic(html, "شبكة 3")
    assert one == three == 7  # one query for all the rows' translations
    english, _ = _read(client, "/", "en")
    assert 'lang="en" dir="ltr">Network 3</a>' in english  # no translation into English: the original


def test_a_community_home_lists_its_groups_in_the_readers_language(client, rebuild):
    _group(rebuild, 1)
    html, one = _read(client, rebuild.get_absolute_url())
    _marked_arabic(html, "مجلس 1")
    _group(rebuild, 2), _group(rebuild, 3)
    html, three = _read(client, rebuild.get_absolute_url())
    _marked_arabic(html, "مجلس 3")
    assert one == three == 9  # one query for all the rows' translations


def test_the_meeting_list_shows_titles_in_the_readers_language(client, rebuild):
    url = f"/c/{rebuild.slug}/meetings/"
    _meeting(rebuild, 1)
    html, one = _read(client, url)
    _marked_arabic(html, "اجتماع الشراكة 1")
    _meeting(rebuild, 2), _meeting(rebuild, 3)
    html, three = _read(client, url)
    _marked_arabic(html, "اجتماع الشراكة 3")
    assert "Partnership meeting 3" not in html
    assert one == three == 7  # one query for all the rows' translations


def test_me_lists_my_communities_and_groups_in_my_language(client, rebuild):
    person = UserFactory(language="ar")
    client.force_login(person)
    make_member(_community(1), person)
    make_member(rebuild, person, group=_group(rebuild, 1), role=Membership.Role.MEMBER)
    html, one = _read(client, "/me/")
    _marked_arabic(html, "شبكة 1")
    _marked_arabic(html, "مجلس 1")
    make_member(_community(2), person)
    make_member(rebuild, person, group=_group(rebuild, 2), role=Membership.Role.MEMBER)
    html, three = _read(client, "/me/")
    _marked_arabic(html, "شبكة 2")
    _marked_arabic(html, "مجلس 2")
    # One query for all the rows' translations (perf took two off /me/, the notice rides on the user's query;
    # the unread counts of the warmed page are remembered: discussions/unread_cache.py). Someone who organises
    # nothing is not asked for minutes to write (MeetingQuerySet.manageable_parts, known empty from the person).
    assert one == three == 7


def test_the_announcement_list_shows_titles_in_the_readers_language(client, rebuild):
    person = UserFactory(language="ar")
    make_member(rebuild, person)
    client.force_login(person)
    url = f"/c/{rebuild.slug}/announcements/"
    _announcement(rebuild, 1)
    html, one = _read(client, url)
    _marked_arabic(html, "دعوة للمدن 1")
    _announcement(rebuild, 2), _announcement(rebuild, 3)
    html, three = _read(client, url)
    _marked_arabic(html, "دعوة للمدن 3")
    assert one == three == 5  # one query for all the rows' translations


def test_search_shows_meeting_titles_in_the_readers_language(client, rebuild):
    _meeting(rebuild, 1)
    html, one = _read(client, "/search/", q="partnership")
    _marked_arabic(html, "اجتماع الشراكة 1")
    _meeting(rebuild, 2), _meeting(rebuild, 3)
    html, three = _read(client, "/search/", q="partnership")
    _marked_arabic(html, "اجتماع الشراكة 3")
    # One query for all the rows' translations; knowledge is read in three steps (cop_portal.search).
    assert one == three == 7
    CommunityTranslation.objects.create(master=rebuild, language_code="ar", name_translation="ريبيلد")
    html, translated = _read(client, "/search/", q="partnership")
    assert '<bdi lang="ar" dir="rtl">ريبيلد</bdi>' in html, "the community named in the reader's language"
    assert translated == one, "in the same query as the meetings' titles"


def test_a_group_page_lists_its_meetings_in_the_readers_language(client, rebuild):
    from datetime import timedelta

    from django.utils import timezone

    group = GroupFactory(community=rebuild, name="Technical board")

    def meeting(n, days):
        start = (timezone.now() + timedelta(days=days)).replace(microsecond=0)
        made = MeetingFactory(
            community=rebuild,
            group=group,
            title=f"Board meeting {n}",
            language="en",
            start=start,
            end=start + timedelta(hours=1),
        )
        MeetingTranslation.objects.create(master=made, language_code="ar", title_translation=f"اجتماع المجلس {n}")

    meeting(1, -10), meeting(2, 10)
    html, one = _read(client, group.get_absolute_url())
    _marked_arabic(html, "اجتماع المجلس 1")  # a past meeting
    _marked_arabic(html, "اجتماع المجلس 2")  # an upcoming one
    meeting(3, -20), meeting(4, 20)
    html, three = _read(client, group.get_absolute_url())
    _marked_arabic(html, "اجتماع المجلس 3")
    assert one == three


def test_meeting_cards_name_their_group_in_the_readers_language_in_the_same_query(client, rebuild):
    url = f"/c/{rebuild.slug}/meetings/"
    first = _meeting(rebuild, 1)
    first.group = _group(rebuild, 1)
    first.save()
    html, one = _read(client, url)
    assert re.search(r'<bdi lang="ar" dir="rtl">مجلس 1</bdi>', html), "the group's Arabic name, isolated"
    for n in (2, 3):
        meeting = _meeting(rebuild, n)
        meeting.group = _group(rebuild, n)
        meeting.save()
    html, three = _read(client, url)
    assert '<bdi lang="ar" dir="rtl">مجلس 3</bdi>' in html
    assert "Board 3" not in html, "neither on the cards nor in the group filter"
    assert re.search(r'<option value="[^"]+">مجلس 3</option>', html), "the filter names the group in Arabic"
    assert one == three == 7  # the groups' translations come with the meetings' (one query)
    english, _ = _read(client, url, "en")
    assert '<bdi lang="en" dir="ltr">Board 3</bdi>' in english, "no English translation: the original"


def test_prefetched_translations_build_no_queryset_per_row(rebuild):
    """Issue 15: a list's rows get their prefetched translations without building a queryset per row.

    Building `translations.filter(master_id=...)` for each of /me/'s 240 rows cost 58 µs a row, and
    a deferred filter still cloned a queryset per row (about 20 µs). The rows now keep their
    translation into the reader's language beside them, and a query on `obj.translations` is still
    the row's own.
    """
    from communities.translation import prefetch_translations, translation_of

    other = CommunityFactory(name="Other", languages=["en", "it"], default_language="en", language="en")
    CommunityTranslation.objects.create(master=rebuild, language_code="it", name_translation="RICOSTRUIRE")
    CommunityTranslation.objects.create(master=other, language_code="it", name_translation="Altra")
    CommunityTranslation.objects.create(master=other, language_code="ar", name_translation="أخرى")
    rows = prefetch_translations([rebuild, other], "it")
    assert "translations" not in getattr(rows[0], "_prefetched_objects_cache", {}), "no queryset per row"
    with CaptureQueriesContext(connection) as queries:
        assert prefetch_translations(rows, "it") == rows  # read already: nothing is asked again
    assert len(queries) == 0
    with CaptureQueriesContext(connection) as queries:
        assert translation_of(rows[0], "it").name_translation == "RICOSTRUIRE"
        assert translation_of(rows[1], "it").name_translation == "Altra"
    assert len(queries) == 0
    # Only the reader's language was read: another one is asked of the database, and found.
    with CaptureQueriesContext(connection) as queries:
        assert translation_of(rows[1], "ar").name_translation == "أخرى"
    assert len(queries) == 1
    # A query chained on the prefetched rows is still the row's own.
    assert [t.name_translation for t in rows[1].translations.filter(language_code="ar")] == ["أخرى"]
    assert list(rows[0].translations.filter(language_code="ar")) == []
