"""A place's join controls and the group list's rows, written in Python.

The join controls (a visitor's state in a community or group and the buttons that change it, POST
forms without JavaScript) and the group rows that carry them were two templates of forty-odd nodes:
about 600 µs per group, 7 ms of the community home's twelve groups at network scale (issue 15). This
writes the same HTML: every value escaped as the engine escapes it (members.markup_fast), every
sentence the template's own msgid and written as {% translate %} and {% blocktranslate %} write
theirs, the CSRF field as {% csrf_token %} writes it (the visitors' page cache finds it by that
markup). tests/communities/test_join_controls.py checks the output against the templates replaced,
for every state.

{% join_controls state place join_url leave_url next compact %}
{% group_items groups %}   each group's <li> (with group.join_state, group.member_count, group.reserved_to)
"""

from __future__ import annotations

from django import template
from django.template.defaultfilters import truncatewords, urlencode
from django.utils import formats
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext, pgettext

from members.markup_fast import csrf_field
from members.markup_fast import escaped as _e
from members.reversing import remembered_reverser

from .content_language import content_lang, localize_tag

register = template.Library()


def _words() -> dict[str, str]:
    """Return the controls' sentences translated, each a gettext() call with its msgid (so `make messages` finds it).

    Written as {% translate %} writes them: the catalogue's text, as it is.
    """
    return {
        "Reason:": gettext("Reason:"),
        "Reserved": gettext("Reserved"),
        "By invitation only": gettext("By invitation only"),
        "Message to the coordinators (optional)": gettext("Message to the coordinators (optional)"),
        "Archived": gettext("Archived"),
        "This group is archived: it is kept as a record and nobody joins it any more.": gettext(
            "This group is archived: it is kept as a record and nobody joins it any more."
        ),
        "You are a member": gettext("You are a member"),
        "You manage this group": gettext("You manage this group"),
        "Your request is waiting for approval": gettext("Your request is waiting for approval"),
        "You are invited": gettext("You are invited"),
        "By invitation": gettext("By invitation"),
        "On request": gettext("On request"),
        "Open": gettext("Open"),
        "Reserved (one community)": pgettext("one community", "Reserved"),
    }


def _bt(translated: str, **values) -> str:
    """Return a translated sentence with values escaped, as {% blocktranslate with ... %} writes it.

    Every sentence here is a gettext() call with its literal msgid, so `make messages` still finds it.
    """
    return translated % {name: _e(value) for name, value in values.items()}


def _post(context, action: str, button: str, *, next_url=None, form_class: str = "d-inline") -> str:
    back = f'<input type="hidden" name="next" value="{_e(next_url)}">' if next_url is not None else ""
    return f'<form method="post" action="{_e(action)}" class="{form_class}">{csrf_field(context)}{back}{button}</form>'


def _member_badge(state) -> str:
    if state.role == "coordinator":
        return gettext("You are a coordinator")
    if state.role == "facilitator":
        return gettext("You are a facilitator")
    return gettext("You are a member")


def _outside(context, state, place, join_url, next_url, compact, reverse, words) -> str:
    """What a signed-in person outside the place sees: why they cannot join, or how they can."""
    parts = []
    if state.is_declined:
        reason = f"{words['Reason:']} <q>{_e(state.reason)}</q>" if state.reason else ""
        declined = gettext("Your last request to join was declined.")
        parts.append(f'<p class="mb-0 small text-body-secondary w-100">{declined} {reason}</p>')
    name = place.name
    if state.ineligible:
        parts.append(
            f'<p class="mb-0 small w-100 not-eligible"><span class="badge badge-reserved">{words["Reserved"]}</span> '
            f"{_e(state.ineligible)}</p>"
        )
    elif state.needs_community:
        community = getattr(place, "community", None)
        how = ""
        if community:
            label = gettext("How to join %(community)s") % {"community": f"<bdi>{_e(community.name)}</bdi>"}
            how = f' <a href="{_e(community.get_absolute_url())}">{label}</a>'
        text = gettext("Join the community first; then you can join its groups.")
        parts.append(f'<p class="mb-0 small text-body-secondary">{text}{how}</p>')
    elif state.invitation_only:
        parts.append(f'<span class="badge text-bg-dark">{words["By invitation only"]}</span>')
        only = gettext("Only people the coordinators invite can join.")
        parts.append(f'<span class="small text-body-secondary">{only}</span>')
    elif state.can_join:
        if state.joins_community:
            label = _bt(
                gettext('Join the group<span class="visually-hidden"> %(place)s</span> and the community'), place=name
            )
        else:
            label = _bt(gettext('Join<span class="visually-hidden"> %(place)s</span>'), place=name)
        button = f'<button type="submit" class="btn btn-sm btn-primary">{label}</button>'
        parts.append(_post(context, join_url, button, next_url=next_url))
    elif state.can_request:
        ask = _bt(gettext('Ask to join<span class="visually-hidden"> %(place)s</span>'), place=name)
        if compact:
            button = f'<button type="submit" class="btn btn-sm btn-outline-primary">{ask}</button>'
            parts.append(_post(context, join_url, button, next_url=next_url))
            with_message = _bt(
                gettext('Ask with a message<span class="visually-hidden"> to join %(place)s</span>'), place=name
            )
            parts.append(f'<a class="small" href="{_e(join_url)}">{with_message}</a>')
        else:
            field = f"id_join_message_{_e(place.pk)}"
            message = (
                f'<div class="mb-2"><label class="form-label" for="{field}">'
                f"{words['Message to the coordinators (optional)']}</label>"
                f'<textarea class="form-control" id="{field}" name="message" rows="2" maxlength="2000">'
                "</textarea></div>"
                f'<button type="submit" class="btn btn-primary">{ask}</button>'
            )
            parts.append(_post(context, join_url, message, next_url=next_url, form_class="w-100"))
    return " ".join(parts)


def render_join_controls(
    context, state, place, join_url, leave_url, next_url, compact, reverse=None, words=None
) -> str:
    """Return the join controls of place for state (the markup of the former _join_controls.html)."""
    reverse, words = reverse or remembered_reverser(), words or _words()
    name = place.name
    if state.archived:
        parts = [
            f'<span class="badge text-bg-secondary">{words["Archived"]}</span>',
            '<span class="small text-body-secondary">'
            f"{words['This group is archived: it is kept as a record and nobody joins it any more.']}</span>",
        ]
        if state.is_member:
            parts.append(f'<span class="badge text-bg-light border">{words["You are a member"]}</span>')
        inside = " ".join(parts)
    elif state.manages and not state.is_member and not state.is_pending:
        address = reverse("communities:manage", community_slug=place.community.slug)
        label = _bt(gettext('Manage<span class="visually-hidden"> %(place)s</span>'), place=name)
        inside = (
            f'<span class="badge text-bg-primary">{words["You manage this group"]}</span> '
            f'<a class="btn btn-sm btn-outline-primary" href="{_e(address)}?group={_e(urlencode(place.slug))}">'
            f"{label}</a>"
        )
    elif not state.authenticated:
        if state.policy == "invitation":
            inside = f'<span class="badge text-bg-dark">{words["By invitation only"]}</span>'
            if not compact:
                only = gettext("Only people the coordinators invite can join.")
                inside += f' <span class="small text-body-secondary">{only}</span>'
        else:
            label = _bt(gettext('Sign in to join<span class="visually-hidden"> %(place)s</span>'), place=name)
            address = f"{reverse('account_login')}?next={urlencode(join_url)}"
            inside = f'<a class="btn btn-sm btn-outline-primary" href="{_e(address)}">{label}</a>'
    elif state.is_member:
        label = _bt(gettext('Leave<span class="visually-hidden"> %(place)s</span>'), place=name)
        button = f'<button type="submit" class="btn btn-sm btn-outline-secondary">{label}</button>'
        inside = (
            f'<span class="badge text-bg-success">{_member_badge(state)}</span> '
            f"{_post(context, leave_url, button, next_url=next_url)}"
        )
    elif state.is_pending:
        label = _bt(gettext('Withdraw my request<span class="visually-hidden"> to join %(place)s</span>'), place=name)
        button = f'<button type="submit" class="btn btn-sm btn-outline-secondary">{label}</button>'
        inside = (
            f'<span class="badge text-bg-warning">{words["Your request is waiting for approval"]}</span> '
            f"{_post(context, leave_url, button, next_url=next_url)}"
        )
    elif state.invitation:
        label = _bt(gettext('Accept the invitation<span class="visually-hidden"> to %(place)s</span>'), place=name)
        button = f'<button type="submit" class="btn btn-sm btn-primary">{label}</button>'
        action = reverse("me:invitation_accept", invitation_pk=state.invitation.pk)
        inside = f'<span class="badge text-bg-info">{words["You are invited"]}</span> {_post(context, action, button)}'
    else:
        inside = _outside(context, state, place, join_url, next_url, compact, reverse, words)
    return f'<div class="join-controls d-flex flex-wrap align-items-center gap-2">{inside}</div>'


@register.simple_tag(takes_context=True)
def join_controls(context, state, place, join_url, leave_url, next, compact=False) -> str:  # noqa: A002 - the template's name
    """Return the visitor's state in place and the buttons that change it (POST forms, no JavaScript)."""
    return mark_safe(render_join_controls(context, state, place, join_url, leave_url, next, compact))  # noqa: S308


def _group_access(group, words) -> str:
    if group.is_archived:
        badge = f'<span class="badge text-bg-secondary">{words["Archived"]}</span>'
    elif group.join_policy == "invitation":
        badge = f'<span class="badge text-bg-dark">{words["By invitation"]}</span>'
    elif group.join_policy == "approval":
        badge = f'<span class="badge text-bg-secondary">{words["On request"]}</span>'
    else:
        badge = f'<span class="badge text-bg-success">{words["Open"]}</span>'
    reserved = getattr(group, "reserved_to", "")
    if reserved:
        to = _bt(gettext("Reserved to people from: %(kinds)s"), kinds=reserved)
        badge += f' <span class="badge badge-reserved">{words["Reserved (one community)"]}</span> {to}'
    return f'<div class="small group-access">{badge}</div>'


@register.simple_tag(takes_context=True)
def group_items(context, groups) -> str:
    """Return each group's <li>: name, kind, members, access and the viewer's join controls."""
    reverse, words = remembered_reverser(), _words()
    request = context.get("request")
    next_url = request.path if request is not None else ""
    community = context.get("community")
    rows = []
    for group in groups:
        shown = localize_tag(context, group)
        lang = content_lang(shown.language)
        archived = f' <span class="badge text-bg-secondary">{words["Archived"]}</span>' if group.is_archived else ""
        count = group.member_count
        members = ngettext("%(counter)s member", "%(counter)s members", count)
        members %= {"counter": _e(formats.localize(count))}
        description = ""
        if shown["description"]:
            text = _e(truncatewords(shown["description"], 40))
            description = f'<p class="small mb-0 mt-1" {lang}>{text}</p>'
        slugs = {"community_slug": community.slug, "group_slug": group.slug}
        controls = render_join_controls(
            context,
            group.join_state,
            group,
            reverse("communities:group_join", **slugs),
            reverse("communities:group_leave", **slugs),
            next_url,
            True,
            reverse,
            words,
        )
        rows.append(
            '<li class="list-group-item">'
            '<div class="d-flex flex-wrap justify-content-between align-items-start gap-2"><div class="group-summary">'
            f'<a href="{_e(group.get_absolute_url())}" {lang}>{_e(shown["name"])}</a>{archived}'
            f'<div class="small text-body-secondary">{_e(group.get_kind_display())} · {members}</div>'
            f"{_group_access(group, words)}{description}</div>{controls}</div></li>"
        )
    return mark_safe("\n".join(rows))  # noqa: S308 - every value escaped
