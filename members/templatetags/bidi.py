"""Filters that isolate names and content from the text around them, and format lists, zones and countries.

A builtin library (settings.TEMPLATES), so every template of every layer has it without a {% load %}:

{{ person.name|bdi }}              <bdi>Amal</bdi>: a name inside a sentence or next to a badge
{{ person.name|isolate }}          FSI Amal PDI: the same for plain text (emails)
{{ names|join_list }}              "a, b and c" / "a, b e c" / "أ وب وج" (CLDR)
{{ names|join_comma }}             "a, b" / "أ، ب": an enumeration with the language's comma
{{ meeting.time_zone|zone_label }} "Roma", "طرابلس" (CLDR exemplar city)
{{ organisation.country|country_name }}
{{ value|number }}  {{ value|number:1 }}  1234 -> "1,234" / "1.234" / "1,234" (ar: CLDR latn)
"""

from datetime import date, datetime
from decimal import Decimal

from django import template
from django.utils import timezone
from django.utils.html import format_html

from members import typography

register = template.Library()


@register.filter(is_safe=True)
def bdi(value):
    """Return value in its own <bdi> element (escaped); nothing for an empty value."""
    if value is None or value == "":
        return ""
    return format_html("<bdi>{}</bdi>", value)


@register.filter
def isolate(value):
    """Return value between the Unicode isolates FSI and PDI, for plain text."""
    return typography.isolate(value)


@register.filter
def join_list(value):
    return typography.format_list(value or ())


@register.filter
def join_comma(value):
    return typography.join_comma(value or ())


@register.filter
def zone_label(value):
    return typography.zone_label(value) if value else ""


@register.filter
def country_name(value):
    return typography.country_name(value)


@register.filter
def number(value, digits=None):
    """Return a count or figure with the active language's CLDR grouping and decimal signs (Babel).

    "1,234" in English, "1.234" in Italian, and in Arabic Babel's default for "ar": Latin digits
    with "," grouping and "." decimals (CLDR's latn system for "ar"), the digits Libyan and
    Tunisian readers use. Anything that is not a number (a dash, a percentage already written
    out) is shown as it is.
    """
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return value
    return typography.format_number(value, digits=None if digits in (None, "") else int(digits))


@register.filter
def html_datetime(value):
    """Return a date or a moment for a datetime="" attribute: ISO 8601 in the active zone, whole seconds.

    Django's date:"c" keeps microseconds, which HTML refuses (a fraction has one to three digits).
    """
    if not value:
        return ""
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(microsecond=0).isoformat()
    return value.isoformat() if isinstance(value, date) else str(value)


@register.simple_tag
def list_comma():
    """Return the comma between two items of a list written out in a loop: "، " in Arabic, ", " elsewhere."""
    return typography.list_separator()


@register.filter
def country_names(value):
    """Return the names of several countries (a CountryField with multiple=True) in the active language."""
    return [typography.country_name(country) for country in value or ()]


@register.filter
def text_dir(value):
    """Return "ltr" or "rtl" from value's first strong letter ("auto" when it has none), for PDFs and print views."""
    return typography.text_dir(value)
