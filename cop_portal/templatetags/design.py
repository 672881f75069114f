"""Template helpers of the design system: community accents without inline style attributes."""

from collections.abc import Iterable

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from cop_portal.design import accent_for

register = template.Library()


@register.simple_tag
def accent_rules(*communities):
    """Return CSS rules giving each community's `.accent-<pk>` class its readable accent colours.

    Pass communities one by one or as lists. The rules go in the page's nonce-carrying <style>
    element (see base.html), so no element needs an inline style attribute (style-src 'self').
    """
    seen: dict[int, str] = {}
    for item in communities:
        many = isinstance(item, Iterable) and not isinstance(item, str)
        for community in item if many else [item]:
            if community is None or getattr(community, "pk", None) is None or community.pk in seen:
                continue
            seen[community.pk] = accent_for(getattr(community, "accent_color", "")).css_variables()
    if not seen:
        return ""
    # Colours are rebuilt as #rrggbb by accent_for and keys are integers: nothing here comes through raw.
    return format_html_join("", ".accent-{}{{{}}}", ((pk, mark_safe(rules)) for pk, rules in seen.items()))  # noqa: S308
