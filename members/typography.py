"""Direction and typography: names isolated from the text around them, and locale data from CLDR (Babel).

A name or a piece of user content written in one direction, placed in a sentence of the other,
reorders the punctuation and numbers around it ("Amal (Tripoli)" comes out as "(Tripoli) Amal"
in an Arabic sentence). Pages put each one in its own element (<bdi>, or dir="auto" where a
block is needed); plain text (emails) wraps it in the Unicode isolates FSI ... PDI, which
every current mail client honours.

Zone, country and list formatting come from CLDR through Babel, in the active language, so an
Arabic page says "طرابلس" and "ليبيا وتونس" instead of "Tripoli" and "Libya, Tunisia".

Calendar files (.ics) get no isolates: SUMMARY and DESCRIPTION are their own paragraphs, so a
calendar's first-strong-character rule already gives each the right direction, and several
calendar clients draw the isolate characters as empty boxes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import tzinfo
from functools import lru_cache

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_noop

FSI = "\u2068"  # FIRST STRONG ISOLATE: the text inside takes the direction of its first strong letter
PDI = "\u2069"  # POP DIRECTIONAL ISOLATE

# Django's own day and month names, kept in the portal's catalogues so that Italian writes them
# in lower case ("domenica 20 dicembre"), as Italian does inside a sentence; Django's Italian
# catalogue capitalises them. Listed here so `make messages` keeps them.
DATE_NAMES = (
    gettext_noop("Monday"),
    gettext_noop("Tuesday"),
    gettext_noop("Wednesday"),
    gettext_noop("Thursday"),
    gettext_noop("Friday"),
    gettext_noop("Saturday"),
    gettext_noop("Sunday"),
    gettext_noop("January"),
    gettext_noop("February"),
    gettext_noop("March"),
    gettext_noop("April"),
    gettext_noop("May"),
    gettext_noop("June"),
    gettext_noop("July"),
    gettext_noop("August"),
    gettext_noop("September"),
    gettext_noop("October"),
    gettext_noop("November"),
    gettext_noop("December"),
)


def isolate(value) -> str:
    """Return value wrapped in FSI ... PDI for plain text; empty stays empty."""
    text = "" if value is None else str(value)
    return f"{FSI}{text}{PDI}" if text else ""


def _locale(language: str | None = None):
    code = (language or translation.get_language() or settings.LANGUAGE_CODE).replace("-", "_")
    return _parse(code)


@lru_cache(maxsize=16)
def _parse(code: str):
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(code)
    except (UnknownLocaleError, ValueError):
        return Locale.parse(settings.LANGUAGE_CODE)


@lru_cache(maxsize=1024)
def _zone_city(key: str, code: str) -> str:
    from babel.dates import get_timezone_location

    try:
        return get_timezone_location(key, locale=_parse(code), return_city=True)
    except (LookupError, ValueError):
        return key.rsplit("/", 1)[-1].replace("_", " ")


def zone_label(zone: tzinfo | str, language: str | None = None) -> str:
    """Return a time zone as people read it, in the active language: "Europe/Rome" is "Roma" in Italian."""
    key = zone if isinstance(zone, str) else (getattr(zone, "key", None) or str(zone))
    if key in {"UTC", "Etc/UTC"}:
        return "UTC"
    return _zone_city(key, str(_locale(language)))


def country_name(code, language: str | None = None) -> str:
    """Return a country's name in the active language (CLDR); the code itself when CLDR has none."""
    code = str(getattr(code, "code", code) or "").upper()
    if not code:
        return ""
    return _locale(language).territories.get(code) or code


def format_list(items: Iterable, language: str | None = None, *, style: str = "standard") -> str:
    """Join items as the active language does: "a, b and c", "a, b e c", "أ وب وج"."""
    parts = tuple(str(item) for item in items if item not in (None, ""))
    if not parts:
        return ""
    return _joined(parts, style, _locale(language))


@lru_cache(maxsize=4096)
def _joined(parts: tuple[str, ...], style: str, locale) -> str:
    """Babel's list, kept per items, style and locale: the directory joins the same countries on many cards."""
    from babel.lists import format_list as babel_format_list

    return babel_format_list(list(parts), style=style, locale=locale)


def list_separator(language: str | None = None) -> str:
    """Return the comma that separates list items: the Arabic comma "، " in Arabic, ", " elsewhere."""
    return "\u060c " if _locale(language).language == "ar" else ", "


def join_comma(items: Iterable, language: str | None = None) -> str:
    """Join items with the active language's comma (an enumeration without "and")."""
    return list_separator(language).join(str(item) for item in items if item not in (None, ""))


def format_number(value, language: str | None = None, *, digits: int | None = None) -> str:
    """Return a number with the active language's separators ("1,234.5", "1.234,5")."""
    from babel.numbers import format_decimal

    if value is None or value == "":
        return ""
    if digits is None and type(value) is int:
        # Counts on cards (members, groups, seats) repeat: each is written once per locale (issue 15).
        return _format_count(value, _locale(language))
    pattern = None if digits is None else "#,##0." + "0" * digits if digits else "#,##0"
    return format_decimal(value, format=pattern, locale=_locale(language))


@lru_cache(maxsize=4096)
def _format_count(value: int, locale) -> str:
    from babel.numbers import format_decimal

    return format_decimal(value, locale=locale)


def text_dir(value, default: str = "auto") -> str:
    """Return "rtl" or "ltr" from the first strong letter of value (the rule of dir="auto"), else default.

    For the PDFs: xhtml2pdf lays out dir="ltr" and dir="rtl" but not dir="auto", so an English title
    in an Arabic certificate is given its direction explicitly.
    """
    import unicodedata

    for char in str(value or ""):
        kind = unicodedata.bidirectional(char)
        if kind == "L":
            return "ltr"
        if kind in {"R", "AL"}:
            return "rtl"
    return default
