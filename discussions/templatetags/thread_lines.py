"""The thread lines of the community home and a group's page, written in Python.

A line was about twenty-five template nodes (the title in its language, the badges, the group, the
replies, the last author, the date): about 160 µs each, 1.7 ms of a group page's ten at network scale
(issue 15). This writes the same HTML (templates/discussions/partials/_thread_line.html replaced):
values escaped as the engine escapes them (members.markup_fast), the catalogue's sentences as
{% translate %} and {% blocktranslate %} write them, the date by the same filter.
tests/discussions/test_thread_lines.py checks the output against the template it replaced.
"""

from __future__ import annotations

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils import formats, timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext

from members.markup_fast import escaped as _e
from members.templatetags.bidi import html_datetime

register = template.Library()


@register.simple_tag
def thread_lines(threads, show_group=False) -> str:
    """Return each thread's <li>: title, pinned or closed, group, replies, last author and time of the last post."""
    pinned, closed = gettext("Pinned"), gettext("Closed")
    last_by = gettext("last by <bdi>%(name)s</bdi>")
    lines = []
    for thread in threads:
        lang = f' lang="{_e(thread.language)}"' if thread.language else ""
        badges = ""
        if thread.pinned:
            badges += f' <span class="badge text-bg-light border">{pinned}</span>'
        if thread.closed:
            badges += f' <span class="badge text-bg-secondary">{closed}</span>'
        group = f"{_e(thread.group.name)} · " if show_group and thread.group else ""
        count = thread.reply_count
        replies = ngettext("%(counter)s reply", "%(counter)s replies", count) % {"counter": _e(formats.localize(count))}
        author = thread.last_post.author if thread.last_post else None
        if author:
            replies += " · " + last_by % {"name": _e(author.get_full_name())}
        when = date_filter(timezone.template_localtime(thread.last_post_at), "DATETIME_FORMAT")
        lines.append(
            f'<li class="mb-2"><a href="{_e(thread.get_absolute_url())}" dir="{_e(thread.direction)}"{lang}>'
            f"{_e(thread.title)}</a>{badges}"
            f'<div class="small text-body-secondary">{group}{replies} · '
            f'<time datetime="{_e(html_datetime(thread.last_post_at))}">{_e(when)}</time></div></li>'
        )
    return mark_safe("\n".join(lines))  # noqa: S308 - every value escaped
