"""The knowledge cards of the lists, written in Python (templates/knowledge/partials/_item_card.html replaced).

A card was about forty template nodes (kind, draft and visibility badges, the title in its language,
the authors, the date, the summary cut to forty words, the theme links): about 330 µs each, 6.6 ms
of the knowledge list's twenty at network scale (issue 15). This writes the same HTML: every value
escaped as the engine escapes it (members.markup_fast), the catalogue's sentences as {% translate %}
writes them, translated once per list; the date and the summary by the same filters.
tests/knowledge/test_knowledge_cards.py checks the output against the template it replaced.
"""

from __future__ import annotations

from django import template
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import truncatewords
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from members.markup_fast import escaped as _e
from members.reversing import remembered_reverser
from members.templatetags.bidi import html_datetime
from members.typography import list_separator

register = template.Library()


class _Writer:
    """What every card of one list shares: its sentences translated once, the list comma, the kinds' labels."""

    def __init__(self, context):
        self.show_community = context.get("show_community")
        self.reverse = remembered_reverser()
        self.comma = list_separator()
        words = {
            "draft": gettext("Draft"),
            "group_only": gettext("Group only"),
            "members_only": gettext("Members only"),
            "themes": gettext("Themes:"),
        }
        # As {% translate %} writes the catalogue's text: as it is.
        self.words = {key: mark_safe(text) for key, text in words.items()}  # noqa: S308
        self.kinds: dict[str, str] = {}

    def kind(self, item) -> str:
        if item.kind not in self.kinds:
            self.kinds[item.kind] = _e(item.get_kind_display())
        return self.kinds[item.kind]

    def badges(self, item) -> str:
        words, parts = self.words, [f'<span class="badge text-bg-light border">{self.kind(item)}</span>']
        if item.status == "draft":
            parts.append(f'<span class="badge text-bg-warning">{words["draft"]}</span>')
        if item.visibility == "group":
            group = f": {_e(item.group.name)}" if item.group else ""
            parts.append(f'<span class="badge text-bg-secondary">{words["group_only"]}{group}</span>')
        elif item.visibility == "community":
            parts.append(f'<span class="badge text-bg-secondary">{words["members_only"]}</span>')
        if self.show_community:
            parts.append(f'<span class="text-body-secondary">· {_e(item.community.name)}</span>')
        return " ".join(parts)

    def byline(self, item) -> str:
        line = '<span class="knowledge-author"><bdi>{}</bdi></span>'
        authors = self.comma.join(line.format(_e(author.display_name)) for author in item.authorships.all())
        if item.published_at:
            day = date_filter(timezone.template_localtime(item.published_at), "DATE_FORMAT")
            authors += f' · <time datetime="{_e(html_datetime(item.published_at))}">{_e(day)}</time>'
        return authors

    def card(self, item) -> str:
        lang = f'lang="{_e(item.language)}" dir="{_e(item.direction)}"'
        summary = ""
        if item.summary:
            summary = f'<p class="card-text mb-1" {lang}>{_e(truncatewords(item.summary, 40))}</p>'
        themes = list(item.themes.all())
        if themes:
            links = self.comma.join(
                f'<a href="{_e(self.reverse("tags:detail", tag_slug=tag.slug))}">{_e(tag.name)}</a>' for tag in themes
            )
            themes = f'<p class="small mb-0">{self.words["themes"]} {links}</p>'
        return (
            '<article class="card mb-3 knowledge-card"><div class="card-body">'
            f'<p class="small mb-1">{self.badges(item)}</p>'
            f'<h3 class="h5 card-title mb-1"><a href="{_e(item.get_absolute_url())}" {lang}>{_e(item.title)}</a></h3>'
            f'<p class="small text-body-secondary mb-1">{self.byline(item)}</p>{summary}{themes or ""}</div></article>'
        )


@register.simple_tag(takes_context=True)
def knowledge_cards(context, items) -> str:
    """Return the card of each item (for_list: community, group, authors and themes read with them)."""
    writer = _Writer(context)
    return mark_safe("\n".join(writer.card(item) for item in items))  # noqa: S308 - every value escaped
