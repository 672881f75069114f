"""The console's Groups pages: list, create, edit, archive, restore, order; name and end facilitators.

Coordinators shape every group of the community; a facilitator sees the groups they run and
changes their description and themes (permissions.group_editable_fields); anyone else gets
404. Every write is one call of communities.services.groups; a refusal is a translated
message that changes nothing.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from .. import permissions
from ..forms_groups import FacilitatorForm, GroupForm, MoveForm
from ..models import Group
from ..selectors_groups import console_groups, facilitator_candidates, group_facilitators
from ..services import (
    GroupError,
    facilitator_name,
    facilitator_remove,
    group_archive,
    group_create,
    group_move,
    group_restore,
    group_update,
)
from ._common import _post_only
from ._console import console_scope, coordinator_only


def _groups_url(community) -> str:
    return reverse("communities:manage_groups", kwargs={"community_slug": community.slug})


def _edit_url(group: Group) -> str:
    return reverse(
        "communities:manage_group_edit", kwargs={"community_slug": group.community.slug, "group_slug": group.slug}
    )


def _managed_group(request, group_slug: str) -> tuple[bool, Group]:
    """Return (is_coordinator, group) for a group the user shapes or runs in this community; 404 otherwise."""
    is_coordinator, groups = console_scope(request)
    group = get_object_or_404(groups.select_related("community"), slug=group_slug)
    return is_coordinator, group


def _apply_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _context(request, *, is_coordinator: bool, title: str, **extra) -> dict:
    return {
        "community": request.community,
        "is_coordinator": is_coordinator,
        "console_section": "groups",
        "console_title": title,
        **extra,
    }


@login_required
def manage_groups(request, community_slug):
    """List the groups: every one (archived too) for coordinators, in their order; a facilitator's own."""
    is_coordinator, groups = console_scope(request)
    rows = list(console_groups(user=request.user, community=request.community, groups=groups))
    title = _("Groups") if is_coordinator else _("Your groups")
    context = _context(request, is_coordinator=is_coordinator, title=title, groups=rows, group_count=len(rows))
    return render(request, "communities/console/groups.html", context)


@login_required
def manage_group_new(request, community_slug):
    """Create a group (coordinators only)."""
    community = coordinator_only(request)
    form = GroupForm(
        request.POST or None,
        editable=permissions.GROUP_FIELDS,
        community=community,
        initial={"kind": Group.Kind.THEMATIC, "join_policy": community.join_policy},
    )
    if request.method == "POST" and form.is_valid():
        try:
            group = group_create(community=community, by=request.user, **form.service_fields())
        except GroupError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The group %(name)s was created.") % {"name": group.name})
            return redirect(_edit_url(group))
    status = 400 if form.is_bound else 200
    context = _context(request, is_coordinator=True, title=_("New group"), form=form)
    return render(request, "communities/console/group_form.html", context, status=status)


@login_required
def manage_group_edit(request, community_slug, group_slug):
    """Change a group (a coordinator: everything; its facilitator: description and themes) and its facilitators."""
    is_coordinator, group = _managed_group(request, group_slug)
    editable = permissions.group_editable_fields(request.user, group)
    form = GroupForm(
        request.POST or None, editable=editable, community=request.community, initial=GroupForm.initial_for(group)
    )
    if request.method == "POST":
        if not editable:
            messages.error(request, _("%(group)s is archived: restore it before changing it.") % {"group": group.name})
            return redirect(_edit_url(group))
        if form.is_valid():
            try:
                group_update(group=group, by=request.user, **form.service_fields())
            except GroupError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect(_edit_url(group))
    may_shape = permissions.may_shape_groups(request.user, request.community)
    context = _context(
        request,
        is_coordinator=is_coordinator,
        title=group.name,
        group=group,
        form=form if editable else None,
        may_shape=may_shape,
        facilitators=list(group_facilitators(group=group)),
        facilitator_form=(
            FacilitatorForm(candidates=facilitator_candidates(community=request.community, group=group))
            if may_shape and not group.is_archived
            else None
        ),
    )
    return render(
        request, "communities/console/group_form.html", context, status=400 if form.is_bound and form.errors else 200
    )


def _coordinator_group(request, group_slug: str) -> Group:
    """Return the group for a coordinators' action; 404 for everyone else (a facilitator included)."""
    community = coordinator_only(request)
    return get_object_or_404(Group.objects.filter(community=community).select_related("community"), slug=group_slug)


def _run(request, action, success: str, **kwargs) -> bool:
    try:
        action(by=request.user, **kwargs)
    except GroupError as error:
        messages.error(request, error.text)
        return False
    messages.success(request, success)
    return True


@login_required
def manage_group_archive(request, community_slug, group_slug):
    group = _coordinator_group(request, group_slug)
    if (response := _post_only(request)) is not None:
        return response
    _run(request, group_archive, _("%(group)s is archived.") % {"group": group.name}, group=group)
    return redirect(_groups_url(request.community))


@login_required
def manage_group_restore(request, community_slug, group_slug):
    group = _coordinator_group(request, group_slug)
    if (response := _post_only(request)) is not None:
        return response
    _run(request, group_restore, _("%(group)s is in use again.") % {"group": group.name}, group=group)
    return redirect(_groups_url(request.community))


@login_required
def manage_group_move(request, community_slug, group_slug):
    """Put a group at a position in the list (the "move up" / "move down" buttons send the target position)."""
    group = _coordinator_group(request, group_slug)
    if (response := _post_only(request)) is not None:
        return response
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the position as a whole number, 1 for the first group."))
    else:
        _run(
            request,
            group_move,
            _("%(group)s moved.") % {"group": group.name},
            group=group,
            position=form.cleaned_data["position"],
        )
    return redirect(f"{_groups_url(request.community)}#group-{group.pk}")


@login_required
def manage_group_facilitator_add(request, community_slug, group_slug):
    """Name an active member of the community facilitator of the group (coordinators)."""
    group = _coordinator_group(request, group_slug)
    if (response := _post_only(request)) is not None:
        return response
    form = FacilitatorForm(request.POST, candidates=facilitator_candidates(community=request.community, group=group))
    if not form.is_valid():
        messages.error(request, _("Choose an active member of the community."))
    else:
        person = form.cleaned_data["user"]
        _run(
            request,
            facilitator_name,
            _("%(name)s now facilitates %(group)s.") % {"name": person.get_full_name(), "group": group.name},
            group=group,
            user=person,
        )
    return redirect(_edit_url(group))


@login_required
def manage_group_facilitator_end(request, community_slug, group_slug, user_id):
    """End a person's facilitator role in the group; they stay a member of it (coordinators)."""
    group = _coordinator_group(request, group_slug)
    if (response := _post_only(request)) is not None:
        return response
    person = get_object_or_404(
        get_user_model().objects.filter(pk__in=group_facilitators(group=group).values("user_id")), pk=user_id
    )
    _run(
        request,
        facilitator_remove,
        _("%(name)s no longer facilitates %(group)s.") % {"name": person.get_full_name(), "group": group.name},
        group=group,
        user=person,
    )
    return redirect(_edit_url(group))
