"""The cards of /me/'s "Communities and groups I belong to", written in Python.

A person of a large network belongs to many communities and groups: REBUILD's demo member to 45 and
61 of them at network scale. Written by the template engine, each community cost about 200 µs and
each group about 80 µs (a dozen nodes each: addresses, translated names, role labels, translated
"Leave" links), about 12 ms of the page (issue 15). This writes the same HTML: every value escaped
(as the template engine escapes it), every sentence the template's own msgid (so the catalogues keep their translations)
translated once per page, every address as {% url %} gives it (members.reversing), with the
language and URLconf read once per page rather than once per address.
tests/people/test_my_community_cards.py checks the output against the template it replaced.
"""

from __future__ import annotations

from django import template
from django.template.defaultfilters import urlencode
from django.utils import formats
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext

from communities.templatetags.content_language import content_lang, localize_tag
from members.markup_fast import escaped as _e
from members.markup_fast import isolated
from members.reversing import remembered_reverser

register = template.Library()

COORDINATOR, FACILITATOR = "coordinator", "facilitator"


class _Writer:
    """What every card of one page shares: its sentences translated once, its addresses and role labels."""

    def __init__(self, context):
        self.context = context
        self.reverse = remembered_reverser()
        self.leave = gettext('Leave<span class="visually-hidden"> %(place)s</span>')
        self.manage = gettext('Manage<span class="visually-hidden"> %(place)s</span>')
        # A template's {% translate %} writes the catalogue's text as it is (a literal is safe): the same here.
        self.console = mark_safe(gettext("Coordinator console"))  # noqa: S308 - the catalogue's
        self.my_groups = mark_safe(gettext("My groups"))  # noqa: S308 - the catalogue's
        self.roles: dict[tuple[type, str], str] = {}

    def sentence(self, translated: str, place) -> str:
        """Return a translated sentence with its place filled in, as {% blocktranslate with place=...|bdi %}."""
        return translated % {"place": isolated(place)}

    def role(self, membership) -> str:
        key = (type(membership), membership.role)
        if key not in self.roles:
            self.roles[key] = membership.get_role_display()
        return self.roles[key]

    def group_line(self, entry, membership) -> str:
        group, slug = membership.group, entry["community"].slug
        shown = localize_tag(self.context, group)
        manage = ""
        if membership.role == FACILITATOR and entry["membership"].role != COORDINATOR:
            address = self.reverse("communities:manage", community_slug=slug)
            label = self.sentence(self.manage, group.name)
            manage = f'<a class="small" href="{_e(address)}?group={_e(urlencode(group.slug))}">{label}</a> '
        leave = self.reverse("communities:group_leave", community_slug=slug, group_slug=group.slug)
        return (
            '<li class="d-flex flex-wrap align-items-center gap-2 mb-1">'
            f'<a href="{_e(group.get_absolute_url())}" {content_lang(shown.language)}>{_e(shown["name"])}</a> '
            f'<span class="badge text-bg-light border">{_e(self.role(membership))}</span> {manage}'
            f'<a class="small" href="{_e(leave)}">{self.sentence(self.leave, group.name)}</a></li>'
        )

    def card(self, entry) -> str:
        community, membership = entry["community"], entry["membership"]
        slug = community.slug
        shown = localize_tag(self.context, community)
        unread = ""
        if entry.get("unread_discussions"):
            count = entry["unread_discussions"]
            address = self.reverse("discussions:list", community_slug=slug)
            text = mark_safe(  # noqa: S308 - as {% blocktranslate %}: the catalogue's text, the number escaped
                ngettext("%(counter)s unread discussion", "%(counter)s unread discussions", count)
                % {"counter": _e(formats.localize(count))}
            )
            unread = f' <a class="small ms-2 my-unread-discussions" href="{_e(address)}?filter=unread">{_e(text)}</a>'
        console = ""
        if membership.role == COORDINATOR:
            address = self.reverse("communities:manage", community_slug=slug)
            console = f'<a class="btn btn-sm btn-outline-primary" href="{_e(address)}">{_e(self.console)}</a> '
        groups = ""
        if entry["groups"]:
            lines = "".join(self.group_line(entry, m) for m in entry["groups"])
            groups = f'<h4 class="h6 mt-3">{_e(self.my_groups)}</h4><ul class="list-unstyled mb-0">{lines}</ul>'
        leave = self.reverse("communities:leave", community_slug=slug)
        leave_label = self.sentence(self.leave, community.name)
        return (
            '<li class="card mb-3 my-community"><div class="card-body">'
            '<div class="d-flex flex-wrap justify-content-between align-items-start gap-2">'
            f'<div><h3 class="h5 mb-1"><a href="{_e(community.get_absolute_url())}" {content_lang(shown.language)}>'
            f'{_e(shown["name"])}</a></h3> <span class="badge text-bg-primary">{_e(self.role(membership))}</span>'
            f'{unread}</div><div class="d-flex flex-wrap gap-2">{console}'
            f'<a class="btn btn-sm btn-outline-secondary" href="{_e(leave)}">{leave_label}</a>'
            f"</div></div>{groups}</div></li>"
        )


@register.simple_tag(takes_context=True)
def my_community_cards(context, communities) -> str:
    """Return the <li> card of each entry of /me/'s communities ({"community", "membership", "groups", ...})."""
    writer = _Writer(context)
    return mark_safe("\n".join(writer.card(entry) for entry in communities))  # noqa: S308 - every value escaped (escaped)
