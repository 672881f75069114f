"""Template helpers of the meetings pages: times across zones and schema.org markup.

{% load meeting_tags %}
{% meeting_when meeting %}                 viewer's time (meeting's time) as HTML
{% meeting_when meeting zone=user_zone text=True %}   the same as plain text (emails)
{% agenda_time item meeting %}             the time of an agenda item, same rule
{{ data|jsonld }}                          <script type="application/ld+json"> safely escaped
{% meeting_sections meeting %}             what higher apps add to the meeting page (communities/hooks.py)
"""

from __future__ import annotations

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from communities import hooks
from meetings import timefmt

register = template.Library()

# The same escapes as django.utils.html.json_script: nothing in the data can close the <script>.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def _viewer_zone(context, meeting):
    """Return the zone to show times in: the signed-in viewer's (activated by middleware), else the one
    the visitor's browser reported, else the meeting's."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return timezone.get_current_timezone()
    return getattr(request, "browser_time_zone", None) or meeting.time_zone


@register.simple_tag(takes_context=True)
def meeting_when(context, meeting, zone=None, text=False):
    value = timefmt.when(meeting.start, meeting.end, meeting.time_zone, zone or _viewer_zone(context, meeting))
    return value.as_text() if text else timefmt.when_html(value)


@register.simple_tag(takes_context=True)
def agenda_time(context, item, meeting, zone=None):
    if not item.starts_at:
        return ""
    value = timefmt.time_only(item.starts_at, meeting.time_zone, zone or _viewer_zone(context, meeting))
    html = format_html('<time datetime="{}">{}</time>', value.iso_start, value.viewer_text)
    if value.meeting_text:
        html += format_html(' <span class="meeting-zone-time">({} {})</span>', value.meeting_text, value.meeting_zone)
    return html


@register.simple_tag(takes_context=True)
def meeting_moment(context, value, meeting, zone=None):
    """Show one moment of a meeting (e.g. its registration deadline) with the same zone rule as meeting_when."""
    if not value:
        return ""
    return timefmt.when_html(timefmt.when(value, None, meeting.time_zone, zone or _viewer_zone(context, meeting)))


@register.filter
def jsonld(data) -> str:
    """Render data as a JSON-LD script element, escaped like json_script so it cannot break out of it."""
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_JSON_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{payload}</script>')  # noqa: S308 - escaped above


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """Return the current query string with some parameters changed (None or "" removes one)."""
    request = context.get("request")
    params = request.GET.copy() if request is not None else {}
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode() if hasattr(params, "urlencode") else ""
    return f"?{encoded}" if encoded else "?"


@register.simple_tag(takes_context=True)
def meeting_sections(context, meeting):
    """Render the sections higher apps add to the meeting page (knowledge: its materials and comments).

    meetings never loads their tag libraries (the layers of DESIGN.md); they register through the hook.
    """
    sections = hooks.page_sections("meetings:meeting_detail", request=context["request"], meeting=meeting)
    return format_html_join("", "{}", ((section,) for section in sections))
