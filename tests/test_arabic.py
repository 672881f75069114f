"""Arabic pages read right to left: the portal's own pages, the Django admin and the catalogue's plurals."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext, pgettext

from communities.models import Membership
from meetings.recurrence import describe
from tests.factories import CommunityFactory, UserFactory, make_member

RTL_HTML = '<html lang="ar" dir="rtl">'


def assert_right_to_left(html: str) -> None:
    assert RTL_HTML in html
    assert "bootstrap.rtl.min" in html


@pytest.mark.django_db
def test_directory_with_the_arabic_cookie_is_right_to_left_and_in_arabic(client):
    CommunityFactory(name="REBUILD", slug="rebuild")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"

    html = client.get(reverse("directory")).content.decode()

    assert_right_to_left(html)
    assert "مجتمعات الممارسة" in html
    assert "ابحث عن مجتمع" in html
    assert "تسجيل الدخول" in html
    assert "Communities of practice" not in html


@pytest.mark.django_db
def test_community_home_follows_the_arabic_profile_language(client):
    community = CommunityFactory(name="REBUILD", slug="rebuild")
    person = make_member(community, user=UserFactory(language="ar"))
    coordinator = make_member(community, role=Membership.Role.COORDINATOR)
    client.force_login(person)

    html = client.get(reverse("communities:home", kwargs={"community_slug": community.slug})).content.decode()

    assert_right_to_left(html)
    assert "دليل الأعضاء" in html  # "Member directory", shown to members
    assert "المنسقون والميسّرون" in html
    assert coordinator.get_full_name() in html
    assert "Member directory" not in html


@pytest.mark.django_db
def test_the_language_cookie_wins_over_an_arabic_profile(client):
    client.force_login(UserFactory(language="ar"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    html = client.get(reverse("directory")).content.decode()

    assert '<html lang="en" dir="ltr">' in html
    assert "bootstrap.rtl.min" not in html


@pytest.mark.django_db
def test_admin_index_in_arabic_is_right_to_left(client):
    admin = UserFactory(language="ar", is_staff=True, is_superuser=True)
    client.force_login(admin)

    response = client.get(reverse("admin:index"))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="ar"' in html
    assert 'dir="rtl"' in html
    assert "rtl.css" in html  # the admin's own mirrored stylesheet
    assert "المجتمعات" in html  # the communities app, from our catalogue


def test_arabic_plurals_use_all_six_forms():
    with translation.override("ar"):
        forms = {
            n: ngettext("%(counter)s member", "%(counter)s members", n) % {"counter": n} for n in (0, 1, 2, 5, 11, 100)
        }

    assert forms == {
        0: "0 عضو",
        1: "1 عضو",
        2: "2 عضوان",
        5: "5 أعضاء",
        11: "11 عضوًا",
        100: "100 عضو",
    }


def test_calendar_texts_are_in_arabic():
    with translation.override("ar"):
        text = describe(
            rrule_text="FREQ=MONTHLY;BYDAY=+1TU",
            time_zone="Africa/Tripoli",
            start_time=datetime.time(11, 0),
            until=datetime.date(2026, 6, 30),
        )
        ordinal = pgettext("weekday of the month", "last")

    assert text.startswith("كل شهر، يوم الثلاثاء الأول من الشهر، الساعة 11:00 (Africa/Tripoli)")
    assert ordinal == "الأخير"


def test_every_language_name_is_translated_into_arabic():
    with translation.override("ar"):
        names = [gettext(name) for _code, name in settings.LANGUAGES]

    assert names == ["الإنجليزية", "الإيطالية", "العربية"]
