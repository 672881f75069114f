"""Knowledge items in several languages: the item page's versions, adding and linking a translation,
lang and dir on the content element (not on a container that starts with badges), and search
showing one item per translation set in the viewer's language."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from communities.models import Community
from knowledge import services
from knowledge.models import ItemAuthor, KnowledgeItem
from tests.factories import CommunityFactory, UserFactory, make_member

from .helpers import make_coordinator, make_item

pytestmark = pytest.mark.django_db
V = KnowledgeItem.Visibility
ARABIC_TITLE = "الحفاظ على الشراكة حيّة"


def translations_url(item):
    return reverse(
        "knowledge:item_translations", kwargs={"community_slug": item.community.slug, "knowledge_pk": item.pk}
    )


@pytest.fixture
def original(community):
    author = make_member(community, UserFactory(full_name="Amal Ben Said"))
    return make_item(
        community, author=author, title="Keeping a partnership alive", visibility=V.PUBLIC, body="Monthly calls."
    )


def translate(item, language, *, by=None, title=None, publish=True, visibility=None):
    """Add a translation through the service, then give it its own title (and publish it)."""
    by = by or item.created_by
    draft = services.item_translation_create(item=item, by=by, language=language)
    fields = {"title": title or f"{item.title} ({language})"}
    if visibility:
        fields["visibility"] = visibility
    draft = services.item_update(item=draft, by=by, **fields)
    return services.item_publish(item=draft, by=by) if publish else draft


# ----------------------------------------------------------------------------- the item page


def test_the_item_page_offers_the_translations_the_viewer_may_see_and_no_other(client, community, original):
    arabic = translate(original, "ar", title=ARABIC_TITLE)
    coordinator = make_coordinator(community)
    italian_draft = translate(original, "it", by=coordinator, title="Bozza segreta", publish=False)

    page = client.get(original.get_absolute_url()).content.decode()

    link = f'<a href="{arabic.get_absolute_url()}" hreflang="ar" lang="ar" dir="rtl">{ARABIC_TITLE}</a>'
    assert link in page
    assert "Bozza segreta" not in page and italian_draft.get_absolute_url() not in page
    # From the translation, the original is offered the same way.
    back = client.get(arabic.get_absolute_url()).content.decode()
    assert f'href="{original.get_absolute_url()}" hreflang="en" lang="en" dir="ltr"' in back
    # The draft's author (a coordinator) sees both versions from it.
    client.force_login(coordinator)
    own = client.get(italian_draft.get_absolute_url()).content.decode()
    assert 'hreflang="ar"' in own and 'hreflang="en"' in own


def test_an_item_alone_offers_no_other_language(client, original):
    page = client.get(original.get_absolute_url()).content.decode()
    assert "hreflang" not in page and "Also in other languages" not in page


def test_arabic_content_in_the_english_interface_carries_lang_and_dir_on_its_own_elements(client, community):
    item = make_item(
        community,
        title="الدروس المستفادة من المشروع التجريبي الأول",
        summary="ما تعلمناه من REBUILD",
        body="نص **الدرس** مع Zoom و Viber.",
        language="ar",
        visibility=V.PUBLIC,
    )
    page = client.get(item.get_absolute_url()).content.decode()

    assert '<html lang="en"' in page
    assert '<article class="knowledge-item">' in page  # the container starting with badges has no lang/dir
    assert f'<h1 lang="ar" dir="rtl">{item.title}</h1>' in page
    assert '<p class="lead" lang="ar" dir="rtl">' in page
    assert '<div class="knowledge-body" lang="ar" dir="rtl">' in page
    # The badges and dates stay in the interface's language.
    assert re.search(r'<p class="small mb-1" lang="en">\s*<span class="badge', page)
    # The list's card marks the title and the summary.
    listing = client.get(reverse("knowledge:list", kwargs={"community_slug": community.slug})).content.decode()
    assert f'lang="ar" dir="rtl">{item.title}</a>' in listing
    assert '<p class="card-text mb-1" lang="ar" dir="rtl">' in listing


# ----------------------------------------------------------------------------- adding a translation


def test_an_editor_adds_a_translation_as_a_prefilled_draft_linked_to_the_original(client, community, original):
    client.force_login(original.created_by)
    page = client.get(translations_url(original))
    assert page.status_code == 200
    html = page.content.decode()
    assert re.search(r'<option value="ar"\s*>', html) and not re.search(r'<option value="en"\s*>', html)

    response = client.post(translations_url(original), {"action": "create", "add-language": "ar"})

    draft = KnowledgeItem.objects.get(translation_of=original)
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "knowledge:item_edit", kwargs={"community_slug": community.slug, "knowledge_pk": draft.pk}
    )
    assert (draft.language, draft.status, draft.title, draft.body) == ("ar", "draft", original.title, original.body)
    assert draft.visibility == original.visibility and draft.community == community
    assert list(ItemAuthor.objects.filter(item=draft).values_list("user", flat=True)) == [original.created_by_id]
    assert draft.revisions.count() == 1  # its own history

    # The same form sent twice makes one draft.
    client.post(translations_url(original), {"action": "create", "add-language": "ar"})
    assert KnowledgeItem.objects.filter(translation_of=original).count() == 1


def test_a_translation_of_a_translation_joins_the_same_set_and_one_language_is_refused_twice(community, original):
    arabic = translate(original, "ar")
    italian = translate(arabic, "it")
    assert italian.translation_of == original  # one set: the original and its translations

    coordinator = make_coordinator(community)
    with pytest.raises(ValidationError) as refused:
        services.item_translation_create(item=italian, by=coordinator, language="ar")
    assert "already has a version in Arabic" in str(refused.value)
    with pytest.raises(ValidationError):
        services.item_translation_create(item=original, by=coordinator, language="en")
    assert KnowledgeItem.objects.filter(translation_of=original).count() == 2


def test_a_member_who_may_not_edit_the_item_cannot_add_a_translation(client, community, original):
    reader = make_member(community)
    client.force_login(reader)

    response = client.post(translations_url(original), {"action": "create", "add-language": "ar"})

    assert response.status_code == 302 and response["Location"] == original.get_absolute_url()
    assert not KnowledgeItem.objects.filter(translation_of=original).exists()


def test_outsiders_get_404_for_the_translations_of_a_hidden_item(client):
    closed = CommunityFactory(slug="closed-cop", visibility=Community.Visibility.MEMBERS)
    item = make_item(closed, title="Members only lesson")
    stranger = make_member(CommunityFactory(slug="other-cop"))
    client.force_login(stranger)

    assert client.get(translations_url(item)).status_code == 404
    assert client.post(translations_url(item), {"action": "create", "add-language": "ar"}).status_code == 404
    assert not KnowledgeItem.objects.filter(translation_of=item).exists()
    client.logout()
    anonymous = client.get(translations_url(item))
    assert anonymous.status_code in {302, 404} and "Members only lesson" not in anonymous.content.decode()


# ----------------------------------------------------------------------------- linking an existing item


def test_an_editor_links_an_item_they_can_see_as_a_translation(client, community, original):
    italian = make_item(community, title="Mantenere viva una partenariato", language="it", visibility=V.PUBLIC)
    client.force_login(original.created_by)

    response = client.post(
        translations_url(original), {"action": "link", "link-other": f"https://x.org{italian.get_absolute_url()}"}
    )

    assert response.status_code == 302
    italian.refresh_from_db()
    assert italian.translation_of == original
    # Linking it again changes nothing.
    client.post(translations_url(original), {"action": "link", "link-other": str(italian.pk)})
    italian.refresh_from_db()
    assert italian.translation_of == original


def test_linking_refuses_a_taken_language_a_hidden_item_and_another_communitys_item(client, community, original):
    client.force_login(original.created_by)
    english = make_item(community, title="Another English item", visibility=V.PUBLIC)
    hidden = make_item(community, title="Somebody's draft", language="ar", published=False)
    elsewhere = make_item(CommunityFactory(slug="elsewhere"), title="Elsewhere", language="ar", visibility=V.PUBLIC)

    for other, message in (
        (english, "already has a version in English"),
        (hidden, "that you can see"),
        (elsewhere, "that you can see"),
    ):
        response = client.post(translations_url(original), {"action": "link", "link-other": str(other.pk)})
        assert response.status_code == 200 and message in response.content.decode()
        other.refresh_from_db()
        assert other.translation_of is None
    assert "Somebody&#x27;s draft" not in response.content.decode()


# ----------------------------------------------------------------------------- search


def search_titles(client, q, language):
    client.cookies["cop_language"] = language
    page = client.get(reverse("search:index"), {"q": q}).content.decode()
    return page


def test_search_shows_one_item_per_translation_set_in_the_viewers_language(client, community, original):
    services.item_update(item=original, by=original.created_by, body="geothermal wells in Tripoli")
    arabic = translate(original, "ar", title="geothermal آبار")
    italian_only = make_item(community, title="geothermal pozzi", language="it", visibility=V.PUBLIC)

    arabic_page = search_titles(client, "geothermal", "ar")
    assert arabic.get_absolute_url() in arabic_page and original.get_absolute_url() not in arabic_page
    assert italian_only.get_absolute_url() in arabic_page  # an item alone always shows

    english_page = search_titles(client, "geothermal", "en")
    assert original.get_absolute_url() in english_page and arabic.get_absolute_url() not in english_page

    # No version in Italian: the original shows.
    italian_page = search_titles(client, "geothermal", "it")
    assert original.get_absolute_url() in italian_page and arabic.get_absolute_url() not in italian_page


def test_search_keeps_a_translation_whose_original_the_viewer_may_not_see(client, community):
    author = make_member(community)
    original = make_item(community, author=author, title="geothermal members plan", visibility=V.COMMUNITY)
    public = translate(original, "ar", by=author, title="geothermal عام", visibility=V.PUBLIC)

    page = search_titles(client, "geothermal", "en")

    assert public.get_absolute_url() in page and original.get_absolute_url() not in page


def test_search_counts_one_result_per_translation_set(client, community, original):
    services.item_update(item=original, by=original.created_by, body="geothermal wells in Tripoli")
    translate(original, "ar", title="geothermal آبار")
    translate(original, "it", title="geothermal pozzi di Tripoli")
    make_item(community, title="geothermal survey", visibility=V.PUBLIC)

    page = search_titles(client, "geothermal", "en")

    # Two sets (the original with its two translations, and the survey): two results, counted as two.
    assert re.search(r"Knowledge: 2 results", page), re.findall(r"Knowledge:[^<]*", page)


def test_search_shows_the_readers_version_even_when_its_words_do_not_match(client, community, original):
    services.item_update(item=original, by=original.created_by, body="geothermal wells in Tripoli")
    arabic = translate(original, "ar", title=ARABIC_TITLE)
    # No "geothermal" in it: it is not among the matches, its set is.
    arabic = services.item_update(item=arabic, by=original.created_by, body="آبار جوفية في طرابلس", summary="")

    page = search_titles(client, "geothermal", "ar")

    assert arabic.get_absolute_url() in page and original.get_absolute_url() not in page
    english = search_titles(client, "geothermal", "en")
    assert original.get_absolute_url() in english and arabic.get_absolute_url() not in english


# ----------------------------------------------------------------------------- queries


def page_queries(client, item) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(item.get_absolute_url())  # warm per-process caches, as a server would be
    with CaptureQueriesContext(connection) as context:
        assert client.get(item.get_absolute_url()).status_code == 200
    return len(context.captured_queries)


def test_the_item_page_reads_its_versions_in_one_query_however_many_there_are(client, community, original):
    alone = make_item(community, title="An item alone", visibility=V.PUBLIC)
    base = page_queries(client, alone)

    arabic = translate(original, "ar")
    with_one = page_queries(client, original)
    translate(original, "it")
    with_two = page_queries(client, original)

    assert with_one == with_two == base + 1
    assert page_queries(client, arabic) == base + 1


def test_the_item_form_offers_the_language_of_the_interface_first(client, community):
    client.force_login(make_member(community))
    client.cookies["cop_language"] = "ar"

    page = client.get(reverse("knowledge:item_create", kwargs={"community_slug": community.slug})).content.decode()

    assert re.search(r'<option value="ar"\s+selected', page)


def test_deleting_an_original_keeps_its_translations_one_set(community, original):
    arabic = translate(original, "ar")
    italian = translate(original, "it")

    services.item_delete(item=original, by=make_coordinator(community))

    arabic.refresh_from_db()
    italian.refresh_from_db()
    assert arabic.translation_of is None and italian.translation_of == arabic
