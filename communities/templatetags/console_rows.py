"""The coordinator console's long lists, written in Python: the group links and the members table's rows.

REBUILD has 112 groups at network scale and the console shows a page of members, each row with two
POST forms (role, removal) and four translated labels: the template engine spent about 15 ms on them
(issue 15). These write the same HTML, with the CSRF field as {% csrf_token %} writes it and the
catalogue's sentences as {% translate %} and {% blocktranslate %} write them.
tests/communities/test_console_rows.py checks the output against the template it replaced.
"""

from __future__ import annotations

from django import template
from django.template.defaultfilters import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from members.markup_fast import csrf_field, isolated
from members.markup_fast import escaped as _e
from members.reversing import remembered_reverser

register = template.Library()


@register.simple_tag
def console_group_links(groups, selected_group, manage_url) -> str:
    """Return a nav item for each group, linking the console to the group's members."""
    items = []
    for group in groups:
        active, current = (" active", 'aria-current="page"') if selected_group == group else ("", "")
        items.append(
            f'<li class="nav-item"><a class="nav-link{active}" {current} '
            f'href="{_e(manage_url)}?group={_e(urlencode(group.slug))}">{_e(group.name)}</a></li>'
        )
    return mark_safe("\n".join(items))  # noqa: S308 - every value escaped


@register.simple_tag(takes_context=True)
def console_member_rows(context, memberships, role_choices, console_url) -> str:
    """Return the members table's rows: the person, their organisation, their role's form and the removal form."""
    reverse = remembered_reverser()
    community, viewer = context.get("community"), context.get("user")
    csrf = csrf_field(context)
    back = f'<input type="hidden" name="next" value="{_e(console_url)}">'
    change, you, reason = gettext("Change"), gettext("you"), gettext("Reason (optional)")
    role_of, removing = gettext("Role of %(name)s"), gettext("Reason for removing %(name)s (optional)")
    remove = gettext('Remove<span class="visually-hidden"> %(name)s</span>')
    choices = [(value, _e(value), _e(label)) for value, label in role_choices]
    rows = []
    for membership in memberships:
        person, pk = membership.user, membership.pk
        name = person.get_full_name()
        organisation = person.organization
        options = "".join(
            f'<option value="{value_html}"{" selected" if value == membership.role else ""}>{label}</option>'
            for value, value_html, label in choices
        )
        kwargs = {"community_slug": community.slug, "membership_pk": pk}
        role_form = (
            f'<form method="post" action="{_e(reverse("communities:manage_role", **kwargs))}" class="d-flex gap-1">'
            f"{csrf}{back}"
            f'<label class="visually-hidden" for="role-{pk}">{role_of % {"name": isolated(name)}}</label>'
            f'<select class="form-select form-select-sm" name="role" id="role-{pk}">{options}</select>'
            f'<button type="submit" class="btn btn-sm btn-outline-primary">{change}</button></form>'
        )
        if membership.user_id != getattr(viewer, "pk", None):
            action = reverse("communities:manage_remove", **kwargs)
            remove_form = (
                f'<form method="post" action="{_e(action)}" class="d-flex gap-1">'
                f"{csrf}{back}"
                f'<label class="visually-hidden" for="remove-reason-{pk}">{removing % {"name": _e(name)}}</label>'
                '<input class="form-control form-control-sm" type="text" name="reason" maxlength="1000" '
                f'id="remove-reason-{pk}" placeholder="{reason}">'
                f'<button type="submit" class="btn btn-sm btn-outline-danger">{remove % {"name": _e(name)}}</button>'
                "</form>"
            )
        else:
            remove_form = f'<span class="small text-body-secondary">{you}</span>'
        rows.append(
            f'<tr id="member-{pk}"><td><bdi>{_e(name)}</bdi>'
            f'<div class="small text-body-secondary">{_e(person.email)}</div></td>'
            f"<td>{isolated(organisation.name) if organisation else ''}</td><td>{role_form}</td>"
            f"<td>{remove_form}</td></tr>"
        )
    return mark_safe("\n".join(rows))  # noqa: S308 - every value escaped
