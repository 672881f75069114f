"""`reverse()` remembered: the address of a named page with the same arguments is computed once.

Django's reverse() substitutes the arguments into the pattern, checks the result against the
pattern's regular expression and quotes it on every call: about 21 µs here. A page lists
objects by their get_absolute_url(): /me/ reverses about 120 addresses of communities, groups,
meetings and items, the directory about 90 (issue 15). The answer depends only on the view's name,
the arguments, the URLconf, the script prefix and the language (for translated patterns), so it is
kept per process under those, for the most recent few thousand addresses.
"""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language


@lru_cache(maxsize=8192)
def _reversed(viewname: str, kwargs: tuple, urlconf, prefix: str, language: str | None) -> str:
    return reverse(viewname, urlconf=urlconf, kwargs=dict(kwargs))


def reverse_remembered(viewname: str, **kwargs) -> str:
    """Return reverse(viewname, kwargs=kwargs), computed once per process for the same arguments."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    return _reversed(viewname, tuple(sorted(kwargs.items())), urlconf, get_script_prefix(), get_language())
