"""Lists typed on an Arabic keyboard ("،" and "؛" as separators) split as Latin ones do."""

from django.utils import translation
from taggit.forms import TagField

from cop_portal.tags import parse_tags
from members.forms import SpokenLanguagesField
from tests.factories import UserFactory


def test_themes_typed_with_arabic_commas_become_separate_tags():
    assert parse_tags("تخطيط الطاقة، المياه؛ النفايات") == ["المياه", "النفايات", "تخطيط الطاقة"]
    assert parse_tags("energy plans, water") == ["energy plans", "water"]


def test_taggit_uses_the_portal_parser(db):
    user = UserFactory()
    user.expertise.set(TagField().clean("التنمية المحلية، الخدمات الأساسية"))
    assert set(user.expertise.names()) == {"الخدمات الأساسية", "التنمية المحلية"}


def test_spoken_languages_accept_the_arabic_comma():
    with translation.override("ar"):
        assert SpokenLanguagesField().clean("en، it؛ ar") == ["en", "it", "ar"]


def test_the_admin_header_is_translated(client, db):
    client.force_login(UserFactory(is_staff=True, is_superuser=True, language="ar"))
    body = client.get("/admin/").content.decode()
    assert "بوابة مجتمعات الممارسة" in body
