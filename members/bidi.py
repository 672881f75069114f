"""The direction of a piece of content from its language, and plain text isolated for mixed-direction lines.

A page marks each piece of user content with its own `lang` and `dir` (never a container that
starts with a badge in the interface's language). Plain-text email has no elements: a quoted
text is wrapped in FIRST STRONG ISOLATE ... POP DIRECTIONAL ISOLATE so an Arabic quote in an
English mail (or the reverse) neither reorders nor is reordered by the text around it.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation

# One isolate for the whole portal: members.typography's (the builtin `isolate` filter's too).
from .typography import FSI, PDI, isolate  # noqa: E402, F401  (re-exported)


def interface_language() -> str:
    """Return the interface's language as one of settings.LANGUAGES (the first when it is another).

    Forms offer it as the language of what the person writes: people mostly write in the
    language they read the portal in, and they can say otherwise.
    """
    code = (translation.get_language() or "").split("-")[0]
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGES[0][0]


def language_direction(code: str | None) -> str:
    """Return "rtl" or "ltr" for a language code, or "auto" when the language is not known."""
    if not code:
        return "auto"
    try:
        return "rtl" if translation.get_language_info(code)["bidi"] else "ltr"
    except KeyError:
        return "auto"
