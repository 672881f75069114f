"""Content in several languages: lang/dir on the element, translations with fallback, reviews, asks (issue 17)."""

import re

import pytest
from django.core import mail
from django.utils import timezone

from communities import permissions
from communities.models import Community, CommunityTranslation, GroupTranslation, Membership
from communities.services.translations import (
    TranslationError,
    translation_ask,
    translation_review,
    translation_save,
)
from discussions.models import Announcement, AnnouncementTranslation
from meetings.models import AgendaItem, AgendaItemTranslation, MeetingTranslation
from members.models import OutboxMessage
from tests.factories import CommunityFactory, GroupFactory, UserFactory, make_member
from tests.meetings.factories import MeetingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rebuild():
    return CommunityFactory(
        slug="rebuild-t",
        name="REBUILD",
        tagline="Municipalities learning together",
        description="Libyan municipalities and universities with EU and MENA partners.",
        languages=["en", "ar"],
        default_language="en",
        language="en",
    )


@pytest.fixture
def coordinator(rebuild):
    return make_member(rebuild, UserFactory(full_name="Coordinator Person"), role=Membership.Role.COORDINATOR)


def _element(html: str, tag: str, cls_or_text: str) -> str:
    """Return the opening tag of the first `tag` element whose tag or content contains cls_or_text."""
    for match in re.finditer(rf"<{tag}\b[^>]*>(.*?)</{tag}>", html, re.S):
        if cls_or_text in match.group(0):
            return match.group(0)
    raise AssertionError(f"no <{tag}> with {cls_or_text!r}")


def _get(client, url, language="en", **params):
    client.cookies["django_language"] = language
    return client.get(url, params, HTTP_ACCEPT_LANGUAGE=language).content.decode()


# --- community --------------------------------------------------------------------------------------


def test_community_shows_its_arabic_translation_to_an_arabic_reader(client, rebuild, coordinator):
    translation_save(
        obj=rebuild,
        language="ar",
        by=coordinator,
        texts={"name": "ريبيلد", "tagline": "بلديات تتعلم معاً", "description": "بلديات وجامعات ليبية."},
    )
    html = _get(client, rebuild.get_absolute_url(), "ar")
    heading = _element(html, "h1", "ريبيلد")
    assert 'lang="ar"' in heading and 'dir="rtl"' in heading
    assert "بلديات وجامعات ليبية." in html
    assert "?original=1" in html  # the switch to the original, a plain link
    assert "Coordinator Person" in html  # who translated it
    original = _get(client, rebuild.get_absolute_url(), "ar", original="1")
    heading = _element(original, "h1", "REBUILD")
    assert 'lang="en"' in heading and 'dir="ltr"' in heading


def test_community_without_a_translation_shows_the_original_with_its_language(client, rebuild):
    html = _get(client, rebuild.get_absolute_url(), "ar")
    heading = _element(html, "h1", "REBUILD")
    assert 'lang="en"' in heading and 'dir="ltr"' in heading
    assert "content-language-note" in html
    assert "?original=1" not in html


def test_community_read_in_its_own_language_has_no_note(client, rebuild):
    html = _get(client, rebuild.get_absolute_url(), "en")
    assert "content-language-note" not in html
    assert 'lang="en" dir="ltr"' in _element(html, "h1", "REBUILD")


# --- group ------------------------------------------------------------------------------------------


def test_group_shows_the_translation_or_the_original_marked_with_its_language(client, rebuild, coordinator):
    group = GroupFactory(community=rebuild, name="Coordination team 1", description="Plans the steering committees.")
    english = _get(client, group.get_absolute_url(), "it")
    assert 'lang="en" dir="ltr"' in _element(english, "h1", "Coordination team 1")
    translation_save(obj=group, language="ar", by=coordinator, texts={"name": "فريق التنسيق 1", "description": ""})
    arabic = _get(client, group.get_absolute_url(), "ar")
    assert 'lang="ar" dir="rtl"' in _element(arabic, "h1", "فريق التنسيق 1")
    # An empty translated description falls back to the original text.
    assert "Plans the steering committees." in arabic
    assert GroupTranslation.objects.get(master=group).translated_by == coordinator


# --- meeting ----------------------------------------------------------------------------------------


def test_meeting_title_and_agenda_in_the_readers_language(client, rebuild, coordinator):
    meeting = MeetingFactory(community=rebuild, title="Monthly partnership meeting", language="en")
    item = AgendaItem.objects.create(meeting=meeting, order=1, title="Welcome and round of introductions")
    translation_save(
        obj=meeting,
        language="ar",
        by=coordinator,
        texts={"title": "اجتماع الشراكة الشهري", "description": ""},
        agenda={item.pk: {"title": "الترحيب والتعارف"}},
    )
    arabic = _get(client, meeting.get_absolute_url(), "ar")
    assert 'lang="ar" dir="rtl"' in _element(arabic, "h1", "اجتماع الشراكة الشهري")
    # An agenda title is a <bdi> with its language: its direction comes from its own text (issue 17).
    assert 'lang="ar"' in _element(arabic, "bdi", "الترحيب والتعارف")
    italian = _get(client, meeting.get_absolute_url(), "it")
    assert 'lang="en" dir="ltr"' in _element(italian, "h1", "Monthly partnership meeting")
    assert 'lang="en"' in _element(italian, "bdi", "Welcome and round of introductions")
    original = _get(client, meeting.get_absolute_url(), "ar", original="1")
    assert "Monthly partnership meeting" in _element(original, "h1", "Monthly")
    assert AgendaItemTranslation.objects.filter(master=item, language_code="ar").exists()


def test_an_arabic_meeting_reads_right_to_left_in_the_english_interface(client, rebuild):
    meeting = MeetingFactory(community=rebuild, title="ورشة عمل حول التخطيط", language="ar")
    html = _get(client, meeting.get_absolute_url(), "en")
    assert 'lang="ar" dir="rtl"' in _element(html, "h1", "ورشة عمل")


# --- announcement (page and email) ------------------------------------------------------------------


def test_announcement_page_and_email_use_the_readers_language(client, rebuild, coordinator):
    reader = make_member(rebuild, UserFactory(language="ar"))
    announcement = Announcement.objects.create(
        community=rebuild,
        title="Call for trainers",
        body="Apply by Friday.",
        body_html="<p>Apply by Friday.</p>",
        language="en",
        created_by=coordinator,
    )
    translation_save(
        obj=announcement, language="ar", by=coordinator, texts={"title": "دعوة للمدربين", "body": "قدّم قبل الجمعة."}
    )
    client.force_login(reader)
    html = _get(client, announcement.get_absolute_url(), "ar")
    assert 'lang="ar" dir="rtl"' in _element(html, "h1", "دعوة للمدربين")
    assert "قدّم قبل الجمعة." in html


# --- reviewing, permissions -------------------------------------------------------------------------


def test_a_coordinator_reviews_and_a_changed_text_needs_a_new_review(rebuild, coordinator):
    row = translation_save(obj=rebuild, language="ar", by=coordinator, texts={"name": "ريبيلد"})
    assert row.reviewed_at is None
    translation_review(obj=rebuild, language="ar", by=coordinator)
    row.refresh_from_db()
    assert row.reviewed_by == coordinator and row.reviewed_at is not None
    translation_save(obj=rebuild, language="ar", by=coordinator, texts={"name": "ريبيلد الجديد"})
    row.refresh_from_db()
    assert row.reviewed_at is None


def test_a_member_may_neither_translate_nor_review_unless_asked(rebuild, coordinator):
    member = make_member(rebuild)
    with pytest.raises(TranslationError):
        translation_save(obj=rebuild, language="ar", by=member, texts={"name": "x"})
    translation_save(obj=rebuild, language="ar", by=coordinator, texts={"name": "ريبيلد"})
    with pytest.raises(TranslationError):
        translation_review(obj=rebuild, language="ar", by=member)


def test_a_translation_only_into_the_communitys_other_languages(rebuild, coordinator):
    with pytest.raises(TranslationError):
        translation_save(obj=rebuild, language="it", by=coordinator, texts={"name": "x"})
    with pytest.raises(TranslationError):
        translation_save(obj=rebuild, language="en", by=coordinator, texts={"name": "x"})
    assert not CommunityTranslation.objects.filter(master=rebuild).exists()


def test_an_outsider_gets_404_on_the_form_and_an_anonymous_visitor_is_sent_to_sign_in(client, rebuild):
    meeting = MeetingFactory(community=rebuild, language="en")
    url = f"/c/{rebuild.slug}/translate/meeting/{meeting.pk}/ar/"
    assert client.get(url).status_code == 302
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.force_login(make_member(rebuild))
    assert client.get(url).status_code == 404
    hidden = CommunityFactory(visibility=Community.Visibility.HIDDEN, languages=["en", "ar"])
    hidden_meeting = MeetingFactory(community=hidden, language="en")
    assert client.get(f"/c/{hidden.slug}/translate/meeting/{hidden_meeting.pk}/ar/").status_code == 404


def test_the_form_saves_and_a_coordinator_marks_it_reviewed(client, rebuild, coordinator):
    client.force_login(coordinator)
    url = f"/c/{rebuild.slug}/translate/community/{rebuild.pk}/ar/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"name": "ريبيلد", "tagline": "", "description": "وصف"})
    assert response.status_code == 302
    row = CommunityTranslation.objects.get(master=rebuild, language_code="ar")
    assert row.translated_by == coordinator
    client.post(url, {"review": "1"})
    row.refresh_from_db()
    assert row.reviewed_by == coordinator
    page = client.get(url).content.decode()
    assert "Reviewed by" in page


def test_an_empty_translation_is_refused_with_a_message_and_nothing_changes(client, rebuild, coordinator):
    client.force_login(coordinator)
    response = client.post(f"/c/{rebuild.slug}/translate/community/{rebuild.pk}/ar/", {"name": "  "})
    assert response.status_code == 200
    assert "form-error-summary" in response.content.decode()
    assert not CommunityTranslation.objects.filter(master=rebuild).exists()


def test_a_translation_longer_than_the_original_may_be_is_refused_with_a_message(client, rebuild, coordinator):
    meeting = MeetingFactory(community=rebuild, title="Monthly partnership meeting", language="en")
    item = AgendaItem.objects.create(meeting=meeting, order=1, title="Welcome")
    client.force_login(coordinator)
    response = client.post(
        f"/c/{rebuild.slug}/translate/meeting/{meeting.pk}/ar/",
        {"title": "x" * 500, f"agenda_{item.pk}_title": "y" * 500},
    )
    assert response.status_code == 200
    assert "form-error-summary" in response.content.decode()
    assert not MeetingTranslation.objects.filter(master=meeting).exists()


# --- the coordinators' list and the ask -------------------------------------------------------------


def test_the_console_lists_missing_translations(client, rebuild, coordinator):
    group = GroupFactory(community=rebuild, name="Technical board")
    meeting = MeetingFactory(community=rebuild, title="Summer school planning", language="en")
    translation_save(obj=group, language="ar", by=coordinator, texts={"name": "المجلس الفني"})
    client.force_login(coordinator)
    html = client.get(f"/c/{rebuild.slug}/manage/translations/").content.decode()
    assert f"/translate/meeting/{meeting.pk}/ar/" in html
    assert f"/translate/community/{rebuild.pk}/ar/" in html
    assert f"/translate/group/{group.pk}/ar/" not in html  # translated already
    client.force_login(make_member(rebuild))
    assert client.get(f"/c/{rebuild.slug}/manage/translations/").status_code == 404


def test_asking_a_member_grants_the_form_and_emails_them_once_in_their_language(
    client, rebuild, coordinator, django_capture_on_commit_callbacks
):
    meeting = MeetingFactory(community=rebuild, title="Summer school planning", language="en")
    member = make_member(rebuild, UserFactory(language="ar", full_name="Amina"))
    assert not permissions.may_translate(member, meeting)
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/c/{rebuild.slug}/manage/translations/", {"item": f"meeting:{meeting.pk}:ar", "member": member.pk}
        )
    assert response.status_code == 302
    assert OutboxMessage.objects.filter(task_name="communities.send_translation_request").count() == 1
    sent = [message for message in mail.outbox if message.to == [member.email]]
    assert len(sent) == 1
    assert "العربية" in sent[0].subject or "ترجمة" in sent[0].subject  # in Arabic, the member's language
    assert f"/translate/meeting/{meeting.pk}/ar/" in sent[0].body
    assert permissions.may_translate(member, meeting)
    # Asking again changes nothing and sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        translation_ask(obj=meeting, language="ar", member=member, by=coordinator)
    assert len([message for message in mail.outbox if message.to == [member.email]]) == 1
    # The asked member translates through the form.
    client.force_login(member)
    url = f"/c/{rebuild.slug}/translate/meeting/{meeting.pk}/ar/"
    assert client.post(url, {"title": "تخطيط المدرسة الصيفية", "description": ""}).status_code == 302
    assert MeetingTranslation.objects.get(master=meeting).translated_by == member


def test_a_former_member_loses_the_asked_grant(rebuild, coordinator):
    meeting = MeetingFactory(community=rebuild, language="en")
    member = make_member(rebuild)
    translation_ask(obj=meeting, language="ar", member=member, by=coordinator)
    assert permissions.may_translate(member, meeting)
    Membership.objects.filter(user=member).update(status=Membership.Status.LEFT, updated_at=timezone.now())
    assert not permissions.may_translate(member, meeting)


def test_existing_rows_got_their_communitys_language_by_migration_default(rebuild):
    # New rows made without a language read their community's default language.
    italian = CommunityFactory(default_language="it", languages=["it", "en"])
    meeting = MeetingFactory(community=italian)
    assert meeting.content_language == "it"
    assert AnnouncementTranslation._meta.get_field("translated_by")


# --- emails quote the recipient's language version --------------------------------------------------


def test_announcement_email_in_each_recipients_language(rebuild, coordinator):
    from discussions.services.announcements import announcement_deliver
    from tests.notifications.conftest import html_part

    arabic_reader = make_member(rebuild, UserFactory(language="ar"))
    italian_reader = make_member(rebuild, UserFactory(language="it"))
    announcement = Announcement.objects.create(
        community=rebuild,
        title="Call for trainers",
        body="Apply by **Friday**.",
        body_html="<p>Apply by <strong>Friday</strong>.</p>",
        language="en",
        created_by=coordinator,
    )
    translation_save(
        obj=announcement, language="ar", by=coordinator, texts={"title": "دعوة للمدربين", "body": "قدّم قبل **الجمعة**."}
    )
    mail.outbox.clear()
    announcement_deliver(announcement_id=announcement.pk)
    (arabic,) = [message for message in mail.outbox if message.to == [arabic_reader.email]]
    assert "دعوة للمدربين" in arabic.subject
    assert "\u2068دعوة للمدربين\u2069" in arabic.body  # isolated in the plain text
    html = html_part(arabic)
    assert 'lang="ar" dir="rtl"' in html and "<strong>الجمعة</strong>" in html
    (italian,) = [message for message in mail.outbox if message.to == [italian_reader.email]]
    assert "Call for trainers" in italian.subject  # no Italian version: the original
    assert 'lang="en" dir="ltr"' in html_part(italian)


def test_meeting_reminder_quotes_the_translated_title_and_agenda(
    rebuild, coordinator, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from meetings import services
    from meetings.reminders import reminders_dispatch
    from tests.notifications.conftest import future_meeting, html_part

    reader = make_member(rebuild, UserFactory(language="ar"))
    meeting = future_meeting(rebuild, title="Steering committee", language="en")
    services.agenda_item_add(meeting=meeting, by=None, title="Welcome and minutes", starts_at=meeting.start)
    item = meeting.agenda_items.get()
    translation_save(
        obj=meeting,
        language="ar",
        by=coordinator,
        texts={"title": "اللجنة التوجيهية"},
        agenda={item.pk: {"title": "الترحيب والمحضر"}},
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_create(meeting=meeting, user=reader)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reminders_dispatch(now=meeting.start - timedelta(days=1))
    (message,) = [m for m in mail.outbox if m.to == [reader.email]]
    assert "اللجنة التوجيهية" in message.subject
    assert "\u2068الترحيب والمحضر\u2069" in message.body
    html = html_part(message)
    assert 'lang="ar" dir="rtl">اللجنة التوجيهية</h1>' in html


# --- the demo data ----------------------------------------------------------------------------------


def test_the_demo_has_translated_content_in_each_launch_communitys_languages(demo_data, client):
    expected = {"rebuild": "ar", "capitale-naturale": "en", "con-i-bambini": "en", "er-step": "en", "multiply": "it"}
    for slug, language in expected.items():
        community = Community.objects.get(slug=slug)
        assert language in community.languages
        assert community.translations.filter(language_code=language).exists(), slug
    assert GroupTranslation.objects.filter(master__community__slug="rebuild", language_code="ar").count() == 10
    assert MeetingTranslation.objects.filter(master__community__slug="multiply", language_code="it").exists()
    assert AgendaItemTranslation.objects.filter(master__meeting__community__slug="rebuild", language_code="ar").exists()
    assert AnnouncementTranslation.objects.filter(master__community__slug="capitale-naturale").exists()
    assert CommunityTranslation.objects.filter(master__slug="rebuild", reviewed_at__isnull=False).exists()
    # An Arabic reader of REBUILD reads it in Arabic; an English reader of Capitale naturale in English.
    html = _get(client, "/c/rebuild/", "ar")
    assert 'lang="ar" dir="rtl"' in _element(html, "h1", "ريبيلد")
    html = _get(client, "/c/capitale-naturale/", "en")
    assert 'lang="en" dir="ltr"' in _element(html, "h1", "Natural Capital")


def test_the_translation_form_translates_agenda_notes_too(client, rebuild, coordinator):
    meeting = MeetingFactory(community=rebuild, title="Monthly partnership meeting", language="en")
    item = AgendaItem.objects.create(meeting=meeting, order=1, title="Welcome", notes="Bring the minutes of May.")
    client.force_login(coordinator)
    url = f"/c/{rebuild.slug}/translate/meeting/{meeting.pk}/ar/"
    form = client.get(url).content.decode()
    assert f'name="agenda_{item.pk}_notes"' in form
    assert "Bring the minutes of May." in form  # the original shown under the field

    # Notes without the point's title are refused with a message, and nothing is written.
    refused = client.post(url, {"title": "الاجتماع الشهري", f"agenda_{item.pk}_notes": "أحضروا محضر مايو."})
    assert refused.status_code == 200 and "form-error-summary" in refused.content.decode()
    assert not AgendaItemTranslation.objects.filter(master=item).exists()

    client.post(
        url,
        {
            "title": "الاجتماع الشهري",
            f"agenda_{item.pk}_title": "الترحيب",
            f"agenda_{item.pk}_notes": "أحضروا محضر مايو.",
        },
    )
    row = AgendaItemTranslation.objects.get(master=item, language_code="ar")
    assert (row.title_translation, row.notes_translation) == ("الترحيب", "أحضروا محضر مايو.")
    client.logout()  # the coordinator reads in English; a visitor in Arabic
    html = _get(client, meeting.get_absolute_url(), "ar")
    notes = _element(html, "div", "أحضروا محضر مايو.")
    assert 'lang="ar"' in notes and 'dir="rtl"' in notes


def test_content_lang_marks_language_and_direction_once_per_language():
    """Issue 15: a list marks the same few languages on every row; each is written once."""
    from django.template import Context, Template

    from communities.templatetags.content_language import _lang_attributes

    _lang_attributes.cache_clear()
    template = Template("{% load content_language %}<p {{ a|content_lang }}></p><p {{ b|content_lang }}></p>")
    for _ in range(3):
        html = template.render(Context({"a": "ar", "b": "it"}))
        assert html == '<p lang="ar" dir="rtl"></p><p lang="it" dir="ltr"></p>'
    assert _lang_attributes.cache_info().misses == 2
    assert Template("{% load content_language %}[{{ ''|content_lang }}]").render(Context({})) == "[]"
