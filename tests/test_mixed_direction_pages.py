"""Issue 17's proof, in each interface language: a community, a meeting, an item and an email with
mixed-direction content mark each piece with its own lang/dir and isolate names (<bdi>, FSI...PDI)."""

import re

import pytest
from django.core import mail

from discussions.models import Announcement
from knowledge.models import KnowledgeItem
from meetings.models import AgendaItem
from tests.factories import CommunityFactory, UserFactory, make_member
from tests.knowledge.helpers import make_item
from tests.meetings.factories import MeetingFactory
from tests.notifications.conftest import html_part

pytestmark = pytest.mark.django_db
FSI, PDI = "\u2068", "\u2069"


def _get(client, url, language):
    client.cookies["cop_language"] = language
    client.cookies["django_language"] = language
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, url
    html = response.content.decode()
    direction = "rtl" if language == "ar" else "ltr"
    assert re.search(rf'<html lang="{language}" dir="{direction}"', html), "the interface's own language"
    return html


def _opening_tag(html: str, tag: str, text: str) -> str:
    match = re.search(rf"<{tag}\b([^>]*)>\s*{re.escape(text)}\s*</{tag}>", html)
    assert match, f"no <{tag}> reading {text!r}"
    return match.group(1)


@pytest.mark.parametrize("language", ["en", "it", "ar"])
def test_a_community_a_meeting_an_item_and_an_email_mark_their_own_direction(client, language):
    community = CommunityFactory(
        slug=f"mixed-{language}",
        name="شبكة البلديات الليبية",
        tagline="Municipalities learning together",
        languages=["ar", "en", "it"],
        default_language="ar",
        language="ar",
    )
    # The community, written in Arabic: its heading reads right to left in every interface.
    html = _get(client, community.get_absolute_url(), language)
    assert 'lang="ar" dir="rtl"' in _opening_tag(html, "h1", "شبكة البلديات الليبية")

    # A meeting written in English with an Arabic agenda point and an Arabic speaker's name.
    meeting = MeetingFactory(community=community, title="Monthly partnership meeting", language="en")
    AgendaItem.objects.create(meeting=meeting, order=1, title="تدريب المدربين", speaker="أمل بن سعيد")
    html = _get(client, meeting.get_absolute_url(), language)
    assert 'lang="en" dir="ltr"' in _opening_tag(html, "h1", "Monthly partnership meeting")
    assert re.search(r'<bdi class="agenda-title"[^>]*>تدريب المدربين</bdi>', html)  # its direction its own
    assert "<bdi>أمل بن سعيد</bdi>" in html  # the name isolated from the text around it

    # An Arabic item by an author with a Latin name.
    author = make_member(community, UserFactory(full_name="Marco Rossi"))
    item = make_item(
        community,
        author=author,
        title="الدروس المستفادة من الشراكة",
        language="ar",
        visibility=KnowledgeItem.Visibility.PUBLIC,
    )
    html = _get(client, item.get_absolute_url(), language)
    assert 'lang="ar" dir="rtl"' in _opening_tag(html, "h1", "الدروس المستفادة من الشراكة")
    assert re.search(r"<bdi[^>]*>\s*Marco Rossi\s*</bdi>", html) or "<bdi>Marco Rossi</bdi>" in html

    # An Arabic announcement by the Latin-named author, mailed to a reader of this language.
    from discussions.services.announcements import announcement_deliver

    reader = make_member(community, UserFactory(language=language))
    announcement = Announcement.objects.create(
        community=community,
        title="دعوة للمدربين",
        body="قدّموا قبل الجمعة.",
        body_html="<p>قدّموا قبل الجمعة.</p>",
        language="ar",
        created_by=author,
    )
    mail.outbox.clear()
    announcement_deliver(announcement_id=announcement.pk)
    (message,) = [m for m in mail.outbox if m.to == [reader.email]]
    assert f"{FSI}دعوة للمدربين{PDI}" in message.body and f"{FSI}Marco Rossi{PDI}" in message.body
    email_html = html_part(message)
    assert 'lang="ar" dir="rtl"' in _opening_tag(email_html, "h1", "دعوة للمدربين")
    assert "<bdi>Marco Rossi</bdi>" in email_html


def test_a_groups_name_is_isolated_where_it_sits_beside_other_text(client):
    """The action register, search results, /me/ and the join page: an Arabic group name in its own <bdi>."""
    from communities.models import Group, Membership
    from discussions import services as discussions
    from meetings.models import ActionItem
    from tests.factories import GroupFactory

    community = CommunityFactory(slug="mixed-groups", name="Municipal network", visibility="public")
    group = GroupFactory(
        community=community, name="فريق التنسيق", visibility=Group.Visibility.PUBLIC, join_policy="open"
    )
    member = make_member(community, role=Membership.Role.COORDINATOR)
    make_member(community, member, group=group)
    meeting = MeetingFactory(community=community, group=group, title="Coordination call")
    ActionItem.objects.create(meeting=meeting, order=1, description="Send the minutes")
    discussions.thread_start(community=community, group=group, by=member, title="Kickoff saffron", body="x")
    isolated = "<bdi>فريق التنسيق</bdi>"

    client.force_login(member)
    assert isolated in _get(client, f"{community.get_absolute_url()}meetings/actions/", "en")
    assert isolated in _get(client, f"{community.get_absolute_url()}meetings/actions/?group={group.slug}", "en")
    assert isolated in _get(client, "/search/?q=saffron", "en")
    assert isolated in _get(client, "/me/", "en")
    client.logout()
    newcomer = UserFactory()
    make_member(community, newcomer)
    client.force_login(newcomer)
    assert isolated in _get(client, f"{group.get_absolute_url()}join/", "en")
