"""One-line text: what may not appear in a title, a place or a page address, and how to clean it.

Control characters (CR, LF, NUL, the other C0 and C1 codes) and the bidirectional overrides
and isolates break headers, CSV rows and calendar files, or make a title read backwards.
Forms refuse them in one-line fields with a clear message; values that must be kept whatever
they hold (a feedback's page address) are cleaned with one_line() instead.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# C0 controls (tab included), DEL, C1 controls, the bidi embeddings/overrides/isolates and the
# line and paragraph separators.
_BIDI_AND_SEPARATORS = r"\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029"
UNSAFE_ONE_LINE = re.compile(r"[\x00-\x1f" + _BIDI_AND_SEPARATORS + "]")
# In multi-line text, line breaks and tabs are fine; the rest is not.
UNSAFE_MULTI_LINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f" + _BIDI_AND_SEPARATORS + "]")


def has_control_characters(value: str) -> bool:
    """Return whether value holds a character a one-line field may not hold."""
    return bool(value) and UNSAFE_ONE_LINE.search(value) is not None


def one_line(value: str, *, max_length: int | None = None) -> str:
    """Return value on one line: each run of control characters becomes one space; then trimmed."""
    cleaned = " ".join(UNSAFE_ONE_LINE.sub(" ", value or "").split())
    return cleaned[:max_length] if max_length else cleaned


def multi_line(value: str) -> str:
    """Return value without the characters no text should hold (line breaks and tabs stay)."""
    return UNSAFE_MULTI_LINE.sub("", (value or "").replace("\r\n", "\n").replace("\r", "\n"))


def validate_one_line(value: str) -> None:
    """Refuse line breaks, control characters and direction overrides in a one-line field."""
    if has_control_characters(value):
        raise ValidationError(
            _("Write this on one line, without line breaks, tabs or invisible control characters."),
            code="control_characters",
        )
