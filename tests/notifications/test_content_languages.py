"""Content in several languages in email and on the thread page: a digest lists an item in the
recipient's language where a version exists; quoted titles and posts carry lang/dir (HTML) or
Unicode isolates (plain text) so an Arabic quote in an English mail keeps its order."""

from datetime import datetime, time, timedelta

import pytest
from django.core import mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from cop_portal.digests import build_digests, digest_send
from discussions import services as discussions
from knowledge import services
from knowledge.models import KnowledgeItem
from members.bidi import FSI, PDI
from tests.factories import CommunityFactory, UserFactory, make_member
from tests.notifications.conftest import ROME, html_part

pytestmark = pytest.mark.django_db
ENGLISH = "Keeping a partnership alive"
ARABIC = "الحفاظ على الشراكة حيّة"


@pytest.fixture
def monday():
    """The first Monday 07:30 in Rome whose weekly digest period contains now."""
    local = timezone.now().astimezone(ROME)
    days = (7 - local.weekday()) % 7
    if days == 0 and local.time() >= time(7):
        days = 7
    return datetime.combine(local.date() + timedelta(days=days), time(7, 30), tzinfo=ROME)


@pytest.fixture
def versions():
    community = CommunityFactory(slug="rebuild", name="REBUILD", languages=["en", "ar"])
    author = make_member(community, UserFactory(full_name="Amal Ben Said"))
    original = services.item_create(
        community=community, by=author, kind=KnowledgeItem.Kind.LESSON, title=ENGLISH, body="Calls.", publish=True
    )
    draft = services.item_translation_create(item=original, by=author, language="ar")
    arabic = services.item_publish(item=services.item_update(item=draft, by=author, title=ARABIC), by=author)
    return {"community": community, "original": original, "arabic": arabic}


def send_digest(reader, monday):
    (digest,) = [d for d in build_digests([reader], now=monday) if d.user == reader]
    digest_send(user_id=reader.pk, period=digest.period, payload=digest.payload())
    (message,) = [m for m in mail.outbox if m.to == [reader.email]]
    return message


def test_a_digest_lists_the_item_in_the_recipients_language_once(versions, monday):
    arabic_reader = make_member(versions["community"], UserFactory(language="ar", time_zone="Africa/Tripoli"))
    italian_reader = make_member(versions["community"], UserFactory(language="it", time_zone="Europe/Rome"))

    arabic_mail = send_digest(arabic_reader, monday)
    assert ARABIC in arabic_mail.body and ENGLISH not in arabic_mail.body
    assert f"{FSI}{ARABIC}{PDI}" in arabic_mail.body  # the plain-text title is isolated
    assert f'lang="ar" dir="rtl">{ARABIC}</a>' in html_part(arabic_mail)

    # No Italian version: the original, once.
    italian_mail = send_digest(italian_reader, monday)
    assert italian_mail.body.count(ENGLISH) == 1 and ARABIC not in italian_mail.body


def test_a_digest_falls_back_when_the_recipient_may_not_see_their_languages_version(versions, monday):
    KnowledgeItem.objects.filter(pk=versions["arabic"].pk).update(status=KnowledgeItem.Status.DRAFT)
    reader = make_member(versions["community"], UserFactory(language="ar"))

    message = send_digest(reader, monday)

    assert ENGLISH in message.body and ARABIC not in message.body


def test_a_post_email_quotes_arabic_text_in_isolates_and_marks_it_in_html():
    community = CommunityFactory(slug="rebuild-mail", name="REBUILD")
    author = make_member(community, UserFactory(full_name="Salem El Mabrouk"))
    thread = discussions.thread_start(
        community=community, by=author, title="موعد الاجتماع", body="نلتقي يوم 12 على Zoom.", language="ar"
    )
    post = thread.posts.get()
    context = {"thread": thread, "post": post, "community": community, "author_name": "Salem", "url": "/x"}
    with translation.override("en"):
        text = render_to_string("discussions/emails/post.txt", context)
        html = render_to_string("discussions/emails/post.html", context)

    assert f"{FSI}موعد الاجتماع{PDI}" in text
    assert f"\n{FSI}نلتقي يوم 12 على Zoom.{PDI}\n" in text
    assert '<h1 dir="rtl" lang="ar">موعد الاجتماع</h1>' in html
    assert '<div dir="rtl" lang="ar">' in html


def test_the_thread_page_marks_an_arabic_post_and_an_english_reply_on_their_own_elements(client):
    community = CommunityFactory(slug="rebuild-thread", name="REBUILD")
    author = make_member(community)
    thread = discussions.thread_start(
        community=community, by=author, title="موعد الاجتماع", body="نلتقي على Zoom.", language="ar"
    )
    discussions.post_reply(thread=thread, by=author, body="Works for Trento too.", language="en")
    client.force_login(author)

    page = client.get(thread.get_absolute_url()).content.decode()

    assert '<h1 dir="rtl" lang="ar">موعد الاجتماع</h1>' in page
    assert '<div class="discussion-post-body" dir="rtl" lang="ar">' in page
    assert '<div class="discussion-post-body" dir="ltr" lang="en">' in page


def test_the_reply_form_offers_the_language_defaulting_to_the_interfaces_and_keeps_the_choice(client):
    community = CommunityFactory(slug="rebuild-reply", name="REBUILD")
    author = make_member(community)
    thread = discussions.thread_start(community=community, by=author, title="Agenda", body="Draft.", language="en")
    client.force_login(author)
    client.cookies["cop_language"] = "ar"
    page = client.get(thread.get_absolute_url()).content.decode()
    assert '<option value="ar" selected' in page.replace("\n", "")

    url = reverse("discussions:thread_reply", kwargs={"community_slug": community.slug, "thread_pk": thread.pk})
    client.post(url, {"body": "Benissimo.", "language": "it"})

    assert thread.posts.order_by("-pk").first().language == "it"


def test_knowledge_emails_mark_an_arabic_title_quoted_in_an_english_sentence(versions):
    from types import SimpleNamespace

    arabic = versions["arabic"]
    comment = SimpleNamespace(author=UserFactory(full_name="Nour Haddad"), body="Useful for Sfax.")
    context = {"item": arabic, "comment": comment, "url": "/x"}
    with translation.override("en"):
        html = render_to_string("knowledge/emails/comment_created.html", context)
        text = render_to_string("knowledge/emails/comment_created.txt", context)

    assert f'commented on "<bdi lang="ar" dir="rtl">{ARABIC}</bdi>"' in html
    assert f'commented on "{FSI}{ARABIC}{PDI}"' in text
