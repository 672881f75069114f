"""What the card writers' tests share: a former template and its Python writer rendered alike, then compared.

The writers (README, "Long lists written in Python") must write the markup their template wrote. The
tests keep the former template, render it and the writer's tag with the same context, request, language
and time zone, and compare the two whatever the whitespace beside tags (the template's indentation).
"""

from __future__ import annotations

import re

from django.template import engines
from django.test import RequestFactory
from django.utils import timezone, translation


def normalised(html: str) -> str:
    """Return html with the whitespace beside tags removed and other runs of whitespace made one space."""
    return re.sub(r"\s+", " ", re.sub(r"\s+<", "<", re.sub(r">\s+", ">", html))).strip()


def written_alike(before: str, now: str, context: dict, *, path="/", language="en", user=None) -> str:
    """Render the template source before and now alike, assert they write the same markup; return now's."""
    request = RequestFactory().get(path)
    if user is not None:
        request.user = user
    engine = engines["django"]
    with translation.override(language), timezone.override("Europe/Rome"):
        old = engine.from_string(before).render(context, request)
        new = engine.from_string(now).render(context, request)
    assert normalised(new) == normalised(old)
    return new
