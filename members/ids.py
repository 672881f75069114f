"""Object ids read from URLs and forms: positive and within the database's 64-bit range, or none at all.

Python integers have no limit, databases do: 2**63 in a lookup is an OverflowError on SQLite.
Parse every id that comes from a visitor here (or match it with the "id" path converter), so an
impossible id is simply an object that does not exist (404), never a 500.
"""

from __future__ import annotations

from django.urls import converters, register_converter

MAX_ID = 2**63 - 1


def parse_id(value) -> int | None:
    """Return value as an object id, or None when it cannot be one (not digits, zero, beyond 64 bits)."""
    text = str(value if value is not None else "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > len(str(MAX_ID)):
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


def parse_ids(values) -> list[int]:
    """Return the valid ids among values (a form's repeated field), in order, without the impossible ones."""
    return [number for number in (parse_id(value) for value in values) if number is not None]


class IdConverter:
    """<id:name> in a URL: digits of a possible object id; a longer number matches nothing (404)."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = parse_id(value)
        if number is None:
            raise ValueError(value)  # the URL does not match: 404
        return number

    def to_url(self, value) -> str:
        return str(int(value))


def register() -> None:
    """Make <id:...> available to URL patterns; calling it again changes nothing."""
    if "id" not in converters.get_converters():
        register_converter(IdConverter, "id")
