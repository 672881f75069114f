"""Mixed directions in a real browser: the directions Chromium computes, with screenshots in test-results/.

An Arabic lesson learnt in the English interface reads right to left (its title and body), while
the badges and dates around it stay left to right; an English agenda on an Arabic phone (360 px)
keeps each English line left to right inside the right-to-left page, names included.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from communities.models import Membership
from knowledge.models import KnowledgeItem
from meetings.models import AgendaItem
from tests.browser import assert_no_axe_violations, force_login_cookie, html_attributes
from tests.design.conftest import RESULTS_DIR
from tests.factories import CommunityFactory, UserFactory, make_member
from tests.knowledge.helpers import make_item
from tests.meetings.factories import MeetingFactory

pytestmark = pytest.mark.browser

DIRECTION = "(selector) => getComputedStyle(document.querySelector(selector)).direction"
DIRECTIONS = "(selector) => [...document.querySelectorAll(selector)].map(el => getComputedStyle(el).direction)"


@pytest.fixture
def community(transactional_db):
    return CommunityFactory(name="REBUILD", slug="rebuild-directions")


def test_an_arabic_item_reads_right_to_left_in_the_english_interface(browser, live_server, community):
    author = make_member(community, UserFactory(full_name="أمل بن سعيد"))
    item = make_item(
        community,
        author=author,
        title="الدروس المستفادة من الشراكة بين البلديات (2024)",
        summary="ما تعلمته عشر فرق تنسيق عن العمل معًا رغم المسافة.",
        body="التقينا عبر الإنترنت كل شهر واحتفظنا بملاحظات مشتركة. " * 10,
        visibility=KnowledgeItem.Visibility.PUBLIC,
        language="ar",
    )
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    try:
        context.add_cookies([{"name": "cop_language", "value": "en", "url": live_server.url}])
        page = context.new_page()
        page.goto(live_server.url + item.get_absolute_url())
        assert html_attributes(page) == {"lang": "en", "dir": "ltr"}
        RESULTS_DIR.mkdir(exist_ok=True)
        page.screenshot(path=str(RESULTS_DIR / "direction-arabic-item-english-ui.png"), full_page=True)
        assert page.evaluate(DIRECTION, "article.knowledge-item h1") == "rtl"
        # Each block of the body carries dir="auto" from the Markdown renderer.
        assert set(page.evaluate(DIRECTIONS, ".knowledge-body p")) == {"rtl"}
        assert page.evaluate(DIRECTION, "article.knowledge-item .lead") == "rtl"
        # The badges before the title are interface text: they stay left to right.
        assert page.evaluate(DIRECTION, "article.knowledge-item header .badge") == "ltr"
        # The Arabic author's name is isolated from the English around it.
        assert "rtl" in page.evaluate(DIRECTIONS, ".knowledge-author bdi")
        assert_no_axe_violations(page)
    finally:
        context.close()


def test_an_english_agenda_keeps_its_order_on_an_arabic_phone(browser, live_server, community):
    viewer = make_member(community, UserFactory(full_name="Amal Ben Said", language="ar"))
    make_member(community, UserFactory(full_name="Cora Coordinator"), role=Membership.Role.COORDINATOR)
    start = (timezone.now() + timedelta(days=10)).replace(hour=9, minute=0, second=0, microsecond=0)
    meeting = MeetingFactory(
        community=community,
        title="Monthly partnership meeting (Libya, Italy, Tunisia)",
        start=start,
        end=start + timedelta(hours=2),
        time_zone="Africa/Tripoli",
    )
    AgendaItem.objects.create(meeting=meeting, order=1, title="Welcome and round of introductions (10 min)")
    AgendaItem.objects.create(meeting=meeting, order=2, title="Progress of the 10 working groups: what's next?")
    AgendaItem.objects.create(
        meeting=meeting, order=3, title="تدريب المدربين: الخطة", speaker="Prof. Marco Rossi (Politecnico di Milano)"
    )
    context = browser.new_context(
        locale="ar", viewport={"width": 360, "height": 740}, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    try:
        force_login_cookie(context, live_server, viewer)
        page = context.new_page()
        page.goto(live_server.url + meeting.get_absolute_url())
        assert html_attributes(page) == {"lang": "ar", "dir": "rtl"}
        RESULTS_DIR.mkdir(exist_ok=True)
        page.screenshot(path=str(RESULTS_DIR / "direction-english-agenda-arabic-phone.png"), full_page=True)
        assert page.evaluate(DIRECTION, "#agenda-heading") == "rtl"  # the page itself reads right to left
        titles = page.evaluate(DIRECTIONS, ".agenda-title")
        assert titles == ["ltr", "ltr", "rtl"], titles
        assert page.evaluate(DIRECTIONS, ".list-group-item bdi:not(.agenda-title)") == ["ltr"]  # the speaker
        # Nothing runs off the phone's screen.
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
        assert_no_axe_violations(page)
    finally:
        context.close()
