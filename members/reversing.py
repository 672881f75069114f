"""`reverse()` remembered: the address of a named page with the same arguments is computed once.

Django's reverse() substitutes the arguments into the pattern, checks the result against the
pattern's regular expression and quotes it on every call: about 21 µs here. A page lists
objects by their get_absolute_url() and links each row's actions with {% url %}: /me/ reversed
about 270 addresses of communities, groups, meetings and items, the directory about 90 (issue 15).
The answer depends only on the view's name, the arguments, the current application (for namespaces
with several instances), the URLconf, the script prefix and the language (for translated
patterns), so it is kept per process under those, for the most recent few thousand addresses.
Only ids and strings are remembered as arguments: anything else (a model instance, whose text
may change) is reversed each time.

`{% url %}` uses it too: members.templatetags.urls replaces Django's tag with the same one whose
reverse() is this (a template builtin, settings.TEMPLATES).
"""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language


@lru_cache(maxsize=8192)
def _reversed(viewname: str, args: tuple, kwargs: tuple, current_app, urlconf, prefix: str, language) -> str:
    return reverse(viewname, urlconf=urlconf, args=args, kwargs=dict(kwargs), current_app=current_app)


def _rememberable(values) -> bool:
    # Text (a template's literal is a SafeString: the same text) and whole numbers, not True or False.
    return all(isinstance(value, str | int) and not isinstance(value, bool) for value in values)


def reverse_remembered(viewname, *, args=(), kwargs=None, current_app=None) -> str:
    """Return reverse(viewname, args=args, kwargs=kwargs, current_app=current_app), computed once per process."""
    kwargs = kwargs or {}
    if not isinstance(viewname, str) or not _rememberable((*args, *kwargs.values())):
        return reverse(viewname, args=args, kwargs=kwargs, current_app=current_app)
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    return _reversed(
        viewname,
        tuple(args),
        tuple(sorted(kwargs.items())),
        current_app,
        urlconf,
        get_script_prefix(),
        get_language(),
    )


def remembered_reverser(current_app=None):
    """Return reverse_remembered for the many addresses of one list, with the URLconf, prefix and language read once.

    Each of those is a context-local read (asgiref's Local: a few µs apiece); a list of a hundred rows
    with three addresses each read them nine hundred times. Keyword arguments only, text or whole numbers.
    """
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    prefix, language = get_script_prefix(), get_language()

    def reverse_one(viewname: str, **kwargs) -> str:
        if not _rememberable(kwargs.values()):
            return reverse(viewname, kwargs=kwargs, current_app=current_app)
        return _reversed(viewname, (), tuple(sorted(kwargs.items())), current_app, urlconf, prefix, language)

    return reverse_one
