"""The one rule for a list of theme names, kept by every path that sets themes (forms, services, imports).

A community, a group, a meeting or a knowledge item carries at most MAX_THEMES themes of at
most MAX_THEME_LENGTH characters each: a longer list or name is refused with a clear message,
never cut silently, so that a scripted request cannot attach thousands of themes to one object.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_THEMES = 20
MAX_THEME_LENGTH = 100


def theme_names_clean(names: Iterable[str] | None) -> list[str]:
    """Return names trimmed, without blanks, NUL bytes and repeats (ignoring case), in their order.

    Raise ValidationError (code "too_many" or "too_long") when the list breaks the limits.
    """
    cleaned: list[str] = []
    seen: set[str] = set()
    for name in names or []:
        name = " ".join(str(name).replace("\x00", "").split())
        if not name or name.casefold() in seen:
            continue
        if len(name) > MAX_THEME_LENGTH:
            raise ValidationError(
                _("Keep each theme under %(limit)s characters.") % {"limit": MAX_THEME_LENGTH}, code="too_long"
            )
        seen.add(name.casefold())
        cleaned.append(name)
        if len(cleaned) > MAX_THEMES:
            raise ValidationError(_("List at most %(limit)s themes.") % {"limit": MAX_THEMES}, code="too_many")
    return cleaned
