"""An item with versions in English and Arabic in a real Chromium: axe-core clean in both
interfaces, the Arabic text laid out right to left in the English interface (computed by the
browser) and the other version offered as a link that reaches it."""

import pytest

from knowledge import services
from knowledge.models import KnowledgeItem
from tests.browser import assert_no_axe_violations
from tests.factories import CommunityFactory, UserFactory, make_member

pytestmark = pytest.mark.browser
ARABIC = "الحفاظ على الشراكة حيّة بين ليبيا وإيطاليا وتونس"


@pytest.fixture
def versions(transactional_db, settings, tmp_path):
    settings.KNOWLEDGE_FILES_ROOT = tmp_path / "private"
    community = CommunityFactory(slug="rebuild-versions", name="REBUILD", languages=["en", "ar"])
    author = make_member(community, UserFactory(full_name="Amal Ben Said"))
    original = services.item_create(
        community=community,
        by=author,
        kind=KnowledgeItem.Kind.LESSON,
        title="Keeping a partnership alive across Libya, Italy and Tunisia",
        summary="What ten coordination teams learnt about working together.",
        body="Partners used **Viber/WhatsApp** daily and **Zoom/Meet** monthly.",
        visibility=KnowledgeItem.Visibility.PUBLIC,
        publish=True,
    )
    draft = services.item_translation_create(item=original, by=author, language="ar")
    arabic = services.item_update(
        item=draft,
        by=author,
        title=ARABIC,
        summary="ما تعلمته فرق التنسيق العشرة عن العمل معًا.",
        body="استخدم الشركاء **Viber/WhatsApp** يوميًا و**Zoom/Meet** شهريًا.",
    )
    return original, services.item_publish(item=arabic, by=author)


@pytest.mark.parametrize("language", ["en", "ar"])
def test_an_item_with_versions_in_english_and_arabic_is_accessible_and_laid_out_by_its_language(
    browser, live_server, versions, language
):
    original, arabic = versions
    context = browser.new_context(locale="en-GB")
    context.add_cookies([{"name": "cop_language", "value": language, "url": live_server.url}])
    page = context.new_page()

    page.goto(f"{live_server.url}{arabic.get_absolute_url()}")
    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text() == ARABIC
    assert heading.evaluate("el => getComputedStyle(el).direction") == "rtl"
    assert page.locator(".knowledge-body").evaluate("el => getComputedStyle(el).direction") == "rtl"
    # The badges above follow the interface, not the content.
    interface = "rtl" if language == "ar" else "ltr"
    assert page.locator(".knowledge-item header p").first.evaluate("el => getComputedStyle(el).direction") == interface
    assert_no_axe_violations(page)

    link = page.locator(f'a[hreflang="en"][href="{original.get_absolute_url()}"]')
    assert link.evaluate("el => getComputedStyle(el).direction") == "ltr"
    link.click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == original.title
    assert page.locator(f'a[hreflang="ar"][lang="ar"][href="{arabic.get_absolute_url()}"]').count() == 1
    assert_no_axe_violations(page)
    context.close()
