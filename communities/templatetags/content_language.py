"""Mark what people wrote with its language and direction, and show it in the viewer's language.

    {% load content_language %}
    {% reader_text meeting as shown %}
    <h1 {{ shown.language|content_lang }}>{{ shown.title }}</h1>
    {% include "partials/_content_language_note.html" with shown=shown %}

`content_lang` gives `lang="ar" dir="rtl"` from Django's own language info (bidi), so an Arabic
text reads right to left in the English interface and an English one left to right in Arabic.
`?original=1` on the page asks for the original text instead of the translation.

The library lives in communities (the lowest app whose content needs it) so that the templates
of communities, meetings and discussions may all load it without breaking the layers.
"""

from functools import lru_cache

from django import template
from django.utils.html import format_html

from members.bidi import language_direction

from ..translation import localize, prefetch_translations

register = template.Library()


@register.filter
def content_lang(code: str) -> str:
    """Return the `lang` and `dir` attributes for text written in code."""
    if not code:
        return ""
    return _lang_attributes(str(code))


@lru_cache(maxsize=256)
def _lang_attributes(code: str) -> str:
    # A list writes the same few languages on every row (issue 15); the safe text is the same each time.
    return format_html('lang="{}" dir="{}"', code, language_direction(code))


@register.simple_tag(takes_context=True, name="reader_text")
def localize_tag(context, obj):
    """Return obj's text in the viewer's language, or the original if asked (?original=1) or untranslated."""
    request = context.get("request")
    original = bool(request is not None and request.GET.get("original"))
    return localize(obj, original=original)


@register.simple_tag(name="reader_list")
def reader_list_tag(objects):
    """Return objects (a list page's rows) with their translations into the viewer's language loaded in one query.

    {% reader_list meetings as meetings %}{% for meeting in meetings %}{% reader_text meeting as shown %}...
    """
    return prefetch_translations(objects or ())


@register.filter
def language_name_local(code: str) -> str:
    """Return the name of the language code in the viewer's language."""
    from ..translation import language_name

    return language_name(code)
