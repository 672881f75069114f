"""Direction and typography: isolated names, CLDR zones/countries/lists, dates per language, emails, calendars."""

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, translation

from meetings import timefmt
from members import typography
from tests.factories import CommunityFactory, OrganizationFactory, UserFactory

FSI, PDI = "\u2068", "\u2069"
ISOLATES = re.compile("[\u2066-\u2069\u202a-\u202e]")


def render(source: str, **context) -> str:
    return Template(source).render(Context(context))


# --- filters ----------------------------------------------------------------------------------------


def test_a_name_gets_its_own_bdi_element_and_stays_escaped():
    assert render("{{ name|bdi }}", name="أمل <b>") == "<bdi>أمل &lt;b&gt;</bdi>"
    assert render("{{ name|bdi }}", name="") == ""
    assert render("{{ name|isolate }}", name="أمل") == f"{FSI}أمل{PDI}"


def test_a_datetime_attribute_has_whole_seconds():
    moment = datetime(2027, 1, 15, 9, 30, 12, 345678, tzinfo=UTC)
    shown = render("{{ moment|html_datetime }}", moment=moment)
    assert re.fullmatch(r"2027-01-15T\d\d:30:12[+-]\d\d:\d\d", shown), shown
    assert datetime.fromisoformat(shown) == moment.replace(microsecond=0)
    assert render("{{ day|html_datetime }}", day=date(2027, 1, 15)) == "2027-01-15"


# --- CLDR through Babel -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "rome", "tripoli", "libya"),
    [("en", "Rome", "Tripoli", "Libya"), ("it", "Roma", "Tripoli", "Libia"), ("ar", "روما", "طرابلس", "ليبيا")],
)
def test_zones_and_countries_are_named_in_the_viewer_s_language(language, rome, tripoli, libya):
    with translation.override(language):
        when = timefmt.when(
            datetime(2031, 1, 14, 9, tzinfo=UTC), datetime(2031, 1, 14, 10, tzinfo=UTC), "Europe/Rome", "Africa/Tripoli"
        )
        assert (when.viewer_zone, when.meeting_zone) == (tripoli, rome)
        assert typography.country_name("LY") == render("{{ code|country_name }}", code="LY") == libya
        assert render("{{ zone|zone_label }}", zone="Europe/Rome") == rome


# --- dates ---------------------------------------------------------------------------------------------


def test_english_dates_put_the_day_first_and_spell_the_month():
    day = date(2027, 1, 15)
    moment = datetime(2027, 1, 15, 14, 5, tzinfo=UTC)
    with translation.override("en"):
        assert formats.date_format(day, "SHORT_DATE_FORMAT") == "15 Jan 2027"
        assert formats.date_format(day, "DATE_FORMAT") == "15 January 2027"
        assert formats.date_format(moment, "DATETIME_FORMAT") == "15 January 2027, 14:05"
        assert formats.date_format(moment, "SHORT_DATETIME_FORMAT") == "15 Jan 2027, 14:05"


def test_no_template_formats_a_date_with_the_month_and_day_as_numbers_side_by_side():
    found = []
    for path in sorted((Path(settings.BASE_DIR) / "templates").rglob("*.*")):
        if path.suffix in {".html", ".txt"}:
            for fmt in re.findall(r"""\|date:["']([^"']+)["']""", path.read_text(encoding="utf-8")):
                if re.search(r"[mn][/.\-][dj]|[dj][/.\-][mn]", fmt) and fmt not in {"Y-m-d"}:
                    found.append(f"{path.name}: {fmt}")
    assert not found, found


def test_arabic_dates_and_times_use_the_arabic_comma():
    moment = datetime(2027, 1, 15, 14, 5, tzinfo=UTC)
    with translation.override("ar"):
        text = formats.date_format(moment, "DATETIME_FORMAT")
    assert "،" in text and "," not in text and "يناير" in text


def _compile_catalogues(target: Path) -> None:
    """Compile django.po with every pending-*.po of each language into target (as the merge will)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for language in ("it", "ar"):
        folder = Path(settings.BASE_DIR) / "locale" / language / "LC_MESSAGES"
        with (folder / "django.po").open("rb") as handle:
            catalogue = read_po(handle, locale=language)
        for pending in sorted(folder.glob("pending-*.po")):
            with pending.open("rb") as handle:
                for message in read_po(handle, locale=language):
                    if message.id:  # a pending entry replaces the catalogue's (Babel would keep the old text)
                        catalogue.delete(message.id, context=message.context)
                        catalogue[message.id] = message
        out = target / language / "LC_MESSAGES"
        out.mkdir(parents=True)
        with (out / "django.mo").open("wb") as handle:
            write_mo(handle, catalogue)


@pytest.fixture
def merged_catalogues(settings, tmp_path):
    _compile_catalogues(tmp_path)
    settings.LOCALE_PATHS = [tmp_path]  # resets the translation caches (setting_changed)
    yield
    settings.LOCALE_PATHS = [Path(settings.BASE_DIR) / "locale"]


def test_italian_dates_are_written_in_lower_case(merged_catalogues):
    sunday = datetime(2026, 12, 20, 10, tzinfo=UTC)
    with translation.override("it"):
        assert render('{{ day|date:"l j F" }}', day=sunday) == "domenica 20 dicembre"
        assert formats.date_format(sunday, "DATE_FORMAT") == "20 dicembre 2026"
        assert timefmt.when(sunday, sunday.replace(hour=11), "UTC", "UTC").viewer_text.startswith(
            "domenica 20 dicembre 2026"
        )
    with translation.override("ar"):
        assert render('{{ day|date:"l j F" }}', day=sunday) == "الأحد 20 ديسمبر"


# --- pages, emails, calendars -------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "country"), [("en", "Libya"), ("it", "Libia"), ("ar", "ليبيا")])
def test_the_meeting_page_isolates_the_host_and_the_place(client, language, country):
    from meetings.models import Meeting
    from tests.meetings.factories import MeetingFactory

    community = CommunityFactory(name="REBUILD")
    host = OrganizationFactory(name="بلدية طرابلس (Tripoli)", city="طرابلس", country="LY")
    meeting = MeetingFactory(
        community=community,
        title="Steering committee",
        format=Meeting.Format.IN_PERSON,
        venue="قاعة المجلس",
        city="طرابلس",
        country="LY",
        host_organization=host,
    )
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert f'lang="{language}"' in html and ('dir="rtl"' in html) == (language == "ar")
    assert "<bdi>بلدية طرابلس (Tripoli)</bdi>" in html
    comma = "، " if language == "ar" else ", "
    assert f"<bdi>قاعة المجلس{comma}طرابلس{comma}{country}</bdi>" in html


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "it", "ar"])
def test_the_emails_isolate_names_in_html_and_with_unicode_isolates_in_plain_text(language):
    community = CommunityFactory(name="REBUILD")
    requester = UserFactory(full_name="أمل بن سعيد", organization=OrganizationFactory(name="Comune di Milano"))
    recipient = UserFactory(full_name="Marco Rossi")
    context = {
        "recipient": recipient,
        "requester": requester,
        "community": community,
        "group": None,
        "membership": None,
        "console_url": "https://cop.example/c/rebuild/manage/",
    }
    with translation.override(language):
        text = render_to_string("communities/emails/request_received.txt", context)
        html = render_to_string("communities/emails/request_received.html", context)
    assert f"{FSI}أمل بن سعيد{PDI}" in text
    assert f"{FSI}Comune di Milano{PDI}" in text
    assert "<bdi>أمل بن سعيد</bdi>" in html and "<bdi>Comune di Milano</bdi>" in html
    # Every isolate is closed: as many PDI as FSI.
    assert text.count(FSI) == text.count(PDI) > 0


@pytest.mark.django_db
def test_the_calendar_file_carries_names_without_isolates(client):
    """Calendar clients show SUMMARY/DESCRIPTION as their own paragraphs (first strong letter sets the
    direction) and several draw the isolate characters as boxes: the .ics holds the names as written."""
    from tests.meetings.factories import MeetingFactory

    community = CommunityFactory(name="REBUILD")
    meeting = MeetingFactory(community=community, title="اجتماع لجنة التسيير (Steering committee)")
    response = client.get(reverse("meetings:ics", kwargs={"community_slug": community.slug, "meeting_pk": meeting.pk}))
    body = response.content.decode()
    assert response.status_code == 200
    assert "SUMMARY:اجتماع لجنة التسيير (Steering committee)" in body
    assert not ISOLATES.search(body)


def test_each_filter_and_direction_helper_is_written_once():
    """One `isolate` (the builtin one) and one answer to "which direction is this language?"."""
    from django.template import engines

    engine = engines["django"].engine
    owners = {}
    for name, library in engine.template_libraries.items():
        if library in engine.template_builtins:
            continue  # the builtin bidi library may also be loaded by name
        for filter_name in library.filters:
            owners.setdefault(filter_name, []).append(name)
    assert any("isolate" in library.filters for library in engine.template_builtins)
    assert not owners.get("isolate"), owners.get("isolate")  # no loadable library shadows the builtin
    from communities import translation

    assert not hasattr(translation, "is_rtl")  # members.bidi.language_direction decides


@pytest.mark.parametrize(
    ("language", "count", "hours"),
    # Arabic: Babel's default for "ar" (CLDR's latn numbering system: Latin digits, "," and ".").
    [("en", "12,345", "7.5"), ("it", "12.345", "7,5"), ("ar", "12,345", "7.5")],
)
def test_numbers_are_grouped_per_language_by_babel(language, count, hours):
    with translation.override(language):
        assert render("{{ n|number }}", n=12345) == count
        assert render("{{ n|number }}", n=7.5) == hours
        assert render("{{ n|number }}", n="–") == "–"  # not a number: as it is
        table = {
            "id": "t",
            "title": "Members",
            "columns": ["Members"],
            "rows": [{"label": "Tripoli", "values": [12345], "key": None}],
            "total": {"label": "Total", "values": [12345]},
        }
        html = render_to_string("reports/partials/_table.html", {"table": table})
        assert html.count(f'<td class="text-end">{count}</td>') == 2


@pytest.mark.django_db
def test_cards_show_counts_and_capacities_with_the_language_s_grouping(client):
    from tests.meetings.factories import MeetingFactory

    community = CommunityFactory(slug="numbers", languages=["it", "en"], default_language="it")
    MeetingFactory(community=community, title="Plenaria", language="it", capacity=1500)
    client.cookies["django_language"] = "it"
    html = client.get(f"/c/{community.slug}/meetings/", HTTP_ACCEPT_LANGUAGE="it").content.decode()
    assert re.search(r"\b0 [^<]*1\.500\b", html), "the capacity 1500 reads 1.500 in Italian"


def test_counts_are_written_once_per_locale():
    """Issue 15: a card's counts repeat across a page; each is formatted by Babel once per locale."""
    from members import typography

    typography._format_count.cache_clear()
    for _ in range(3):
        assert typography.format_number(12345, "it") == "12.345"
        assert typography.format_number(12345, "en") == "12,345"
    assert typography._format_count.cache_info().misses == 2
    assert typography.format_number(7.5, "it") == "7,5"  # not a count: Babel each time
    assert typography._format_count.cache_info().misses == 2


def test_lists_are_joined_once_per_items_and_locale():
    from members import typography

    typography._joined.cache_clear()
    for _ in range(3):
        assert typography.format_list(["Libia", "Tunisia", "Italia"], "it") == "Libia, Tunisia e Italia"
        assert typography.format_list(["Libya", None, "Italy"], "en") == "Libya and Italy"
    assert typography._joined.cache_info().misses == 2
