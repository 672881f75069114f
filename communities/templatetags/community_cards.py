"""The directory's community cards, written in Python (templates/communities/directory.html).

The template engine spent about 270 µs on each card (about forty nodes: the name and tagline in the
reader's language, the themes, four figures and lists formatted for the language, the next meeting,
the badges), 8 ms of the directory's thirty cards at network scale (issue 15). This writes the same
HTML: every value escaped as the engine escapes it, every sentence the template's own msgid (so the
catalogues keep their translations), translated once per page; figures, lists and country names by
the same filters (members.templatetags.bidi). tests/communities/test_community_cards.py checks the
output against the template it replaced.
"""

from __future__ import annotations

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, pgettext

from members.markup_fast import escaped as _e
from members.templatetags.bidi import country_names, join_comma, join_list, number

from .content_language import content_lang, localize_tag

register = template.Library()


class _Writer:
    """What every card of one page shares: its sentences translated once."""

    def __init__(self, context):
        self.context = context
        self.mine = context.get("my_community_ids") or ()
        self.words = {
            "themes": gettext("Themes"),
            "members": gettext("Members"),
            "groups": gettext("Groups"),
            "languages": gettext("Languages"),
            "countries": gettext("Countries"),
            "next": gettext("Next meeting"),
            "member": gettext("You are a member"),
            "open": pgettext("one community", "Open to anyone"),
            "approval": gettext("On request"),
            "invitation": gettext("By invitation"),
            "reserved": pgettext("one community", "Reserved"),
            "members_only": gettext("Members only"),
        }
        # A template's {% translate %} writes the catalogue's text as it is (a literal is safe): the same here.
        self.words = {key: mark_safe(text) for key, text in self.words.items()}  # noqa: S308 - the catalogue's

    def figures(self, community) -> str:
        words = self.words
        rows = [  # (term, its value written out and escaped)
            (words["members"], _e(number(community.member_count))),
            (words["groups"], _e(number(community.group_count))),
            (words["languages"], _e(join_comma(community.language_names()))),
        ]
        if community.countries:
            rows.append((words["countries"], _e(join_list(country_names(community.countries)))))
        meeting = getattr(community, "next_meeting", None)
        if meeting:
            address = getattr(meeting, "get_absolute_url", None)
            rows.append(
                (
                    words["next"],
                    f'<a href="{_e(address())}">{_e(meeting)}</a>' if address else _e(meeting),
                )
            )
        return "".join(f'<dt class="col-6">{_e(term)}</dt><dd class="col-6 mb-1">{value}</dd>' for term, value in rows)

    def badges(self, community) -> str:
        words, parts = self.words, []
        if community.pk in self.mine:
            parts.append(f'<span class="badge text-bg-primary">{_e(words["member"])}</span>')
        if community.join_policy == "open":
            parts.append(f'<span class="badge text-bg-success">{_e(words["open"])}</span>')
        elif community.join_policy == "approval":
            parts.append(f'<span class="badge text-bg-secondary">{_e(words["approval"])}</span>')
        else:
            parts.append(f'<span class="badge text-bg-dark">{_e(words["invitation"])}</span>')
        if community.is_reserved:
            parts.append(f'<span class="badge badge-reserved">{_e(words["reserved"])}</span>')
        if community.visibility == "members":
            parts.append(f'<span class="badge text-bg-light border">{_e(words["members_only"])}</span>')
        return " ".join(parts)

    def card(self, community) -> str:
        shown = localize_tag(self.context, community)
        lang = content_lang(shown.language)
        tagline = f'<p class="card-text" {lang}>{_e(shown["tagline"])}</p>' if shown["tagline"] else ""
        themes = list(community.themes.all())
        badges = "".join(f'<span class="badge text-bg-light border me-1">{_e(theme.name)}</span>' for theme in themes)
        themes = (
            f'<p class="small mb-2"><span class="visually-hidden">{_e(self.words["themes"])}: </span>{badges}</p>'
            if themes
            else ""
        )
        address = community.get_absolute_url()
        return (
            f'<article class="card h-100 community-card accent-{_e(community.pk)}">'
            '<div class="card-body d-flex flex-column">'
            f'<h2 class="h5 card-title"><a href="{_e(address)}" {lang}>{_e(shown["name"])}</a></h2>'
            f'{tagline}{themes}<dl class="row small mb-2 mt-auto">{self.figures(community)}</dl>'
            f'<p class="mb-0">{self.badges(community)}</p></div></article>'
        )


@register.simple_tag(takes_context=True)
def community_cards(context, communities) -> str:
    """Return each directory card in its <li> (communities annotated with member_count and group_count)."""
    writer = _Writer(context)
    cards = (f'<li class="col-12 col-md-6 col-lg-4">{writer.card(community)}</li>' for community in communities)
    return mark_safe("\n".join(cards))  # noqa: S308 - every value escaped (escaped)
