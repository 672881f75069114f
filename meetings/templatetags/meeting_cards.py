"""The meeting cards of the lists, written in Python (templates/meetings/partials/_meeting_card.html replaced).

A meeting card is about forty template nodes: the title in the reader's language, the time in the
viewer's zone, kind, format, city, group and host, the themes, the badges and the seats; about 260 µs
each, 5 ms of a meeting list's twenty and 1–2 ms of each page that shows five (the community home, a
group page, /me/) at network scale (issue 15). This writes the same HTML: the time by the same
{% meeting_when %}, every value escaped as the engine escapes it (members.markup_fast), every
sentence the template's own msgid, translated once per list. tests/meetings/test_meeting_cards.py
checks the output against the template it replaced.
"""

from __future__ import annotations

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, gettext_noop

from communities.templatetags.content_language import content_lang, localize_tag
from members.markup_fast import escaped as _e
from members.markup_fast import isolated
from members.templatetags.bidi import number

from .meeting_tags import meeting_when

register = template.Library()

STATUS_BADGES = {  # my_status: (badge class, msgid), marked so that `make messages` finds them
    "registered": ("text-bg-success", gettext_noop("You are registered")),
    "waitlisted": ("text-bg-warning", gettext_noop("On the waitlist")),
    "pending": ("text-bg-info", gettext_noop("Awaiting approval")),
}


class _Writer:
    """What every card of one list shares: its sentences translated once, the choices' labels."""

    def __init__(self, context, show_community: bool):
        self.context, self.show_community = context, show_community
        # A template's {% translate %} writes the catalogue's text as it is (a literal is safe): the same here.
        self.words = {
            "themes": gettext("Themes"),
            "cancelled": gettext("Cancelled"),
            "held": gettext("Held"),
            "members_only": gettext("Members only"),
            "hosted_by": gettext("hosted by %(host)s"),
            "seats": gettext("%(taken)s of %(capacity)s seats taken"),
        }
        self.words = {key: mark_safe(text) for key, text in self.words.items()}  # noqa: S308 - the catalogue's
        self.statuses = {status: (badge, mark_safe(gettext(msgid))) for status, (badge, msgid) in STATUS_BADGES.items()}  # noqa: S308
        self.labels: dict[tuple[str, str], str] = {}

    def label(self, meeting, field: str) -> str:
        key = (field, getattr(meeting, field))
        if key not in self.labels:
            self.labels[key] = str(getattr(meeting, f"get_{field}_display")())
        return self.labels[key]

    def details(self, meeting) -> str:
        parts = [_e(self.label(meeting, "kind")), _e(self.label(meeting, "format"))]
        if meeting.city:
            parts.append(isolated(meeting.city))
        if meeting.group:
            shown = localize_tag(self.context, meeting.group)
            parts.append(f"<bdi {content_lang(shown.language)}>{_e(shown['name'])}</bdi>")
        if meeting.host_organization:
            parts.append(self.words["hosted_by"] % {"host": isolated(meeting.host_organization.name)})
        return " · ".join(parts)

    def side(self, meeting) -> str:
        parts = []
        if meeting.is_cancelled:
            parts.append(f'<span class="badge text-bg-danger">{_e(self.words["cancelled"])}</span>')
        elif meeting.status == "held":
            parts.append(f'<span class="badge text-bg-secondary">{_e(self.words["held"])}</span>')
        if meeting.visibility == "members":
            parts.append(f'<span class="badge text-bg-light border">{_e(self.words["members_only"])}</span>')
        status = self.statuses.get(getattr(meeting, "my_status", None))
        if status:
            parts.append(f'<span class="badge {status[0]}">{_e(status[1])}</span>')
        if meeting.capacity and not meeting.is_cancelled:
            seats = self.words["seats"] % {
                "taken": _e(number(getattr(meeting, "seats_taken", ""))),
                "capacity": _e(number(meeting.capacity)),
            }
            parts.append(f'<div class="text-body-secondary">{seats}</div>')
        return " ".join(parts)

    def card(self, meeting) -> str:
        shown = localize_tag(self.context, meeting)
        community = ""
        if self.show_community:
            place = localize_tag(self.context, meeting.community)
            community = (
                f' <span class="text-body-secondary small">· <bdi {content_lang(place.language)}>'
                f"{_e(place['name'])}</bdi></span>"
            )
        themes = list(meeting.themes.all())
        if themes:
            badge = '<li class="list-inline-item badge text-bg-light border">{}</li>'
            items = "".join(badge.format(_e(theme.name)) for theme in themes)
            themes = f'<ul class="list-inline small mb-0 mt-1" aria-label="{_e(self.words["themes"])}">{items}</ul>'
        cancelled = " meeting-cancelled" if meeting.is_cancelled else ""
        return (
            f'<li class="list-group-item meeting-card{cancelled}">'
            '<div class="d-flex flex-wrap justify-content-between gap-2"><div>'
            f'<h3 class="h6 mb-1"><a href="{_e(meeting.get_absolute_url())}" {content_lang(shown.language)}>'
            f"{_e(shown['title'])}</a>{community}</h3>"
            f'<div class="small">{meeting_when(self.context, meeting)}</div>'
            f'<div class="small text-body-secondary">{self.details(meeting)}</div>{themes or ""}</div>'
            f'<div class="text-end small">{self.side(meeting)}</div></div></li>'
        )


@register.simple_tag(takes_context=True)
def meeting_cards(context, meetings, show_community=False) -> str:
    """Return the <li> card of each meeting (for_cards: related rows joined, themes prefetched, counts annotated)."""
    writer = _Writer(context, bool(show_community))
    return mark_safe("\n".join(writer.card(meeting) for meeting in meetings))  # noqa: S308 - every value escaped
