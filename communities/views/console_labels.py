"""The console's partner roles and reporting labels (coordinators only): add, rename, reorder, delete when unused.

One page lists the roles and the dimensions with their values; every change is a small POST
form on it (rename, move up or down, delete), so nothing needs JavaScript.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from ..access import door, resolve
from ..forms_partners import NameForm, PositionForm
from ..models import DimensionValue, PartnerRole, ReportingDimension
from ..selectors_partners import console_dimensions, console_partner_roles
from ..services import (
    PartnerError,
    dimension_create,
    dimension_delete,
    dimension_move,
    dimension_rename,
    dimension_value_create,
    dimension_value_delete,
    dimension_value_move,
    dimension_value_rename,
    partner_role_create,
    partner_role_delete,
    partner_role_move,
    partner_role_rename,
)
from ._common import _post_only


def _labels_url(community, anchor: str = "") -> str:
    url = reverse("communities:manage_labels", kwargs={"community_slug": community.slug})
    return f"{url}#{anchor}" if anchor else url


@door("manage")
def manage_labels(request, community):
    """List the partner roles (with how many partners use each) and the reporting dimensions with their labels."""
    context = {
        "community": community,
        "is_coordinator": True,
        "console_section": "labels",
        "console_title": _("Partner roles and reporting labels"),
        "roles": list(console_partner_roles(community=community)),
        "dimensions": list(console_dimensions(community=community)),
    }
    return render(request, "communities/console/labels.html", context)


def _apply(request, community, form_class, service, success: str, anchor: str, /, label: str = "", **kwargs):
    """Run one POSTed change: validate form_class, call service, say what happened, go back to the list."""
    if (response := _post_only(request)) is not None:
        return response
    form = form_class(request.POST) if form_class else None
    if form is not None and not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(_labels_url(community, anchor))
    data = form.cleaned_data if form is not None else {}
    try:
        result = service(by=request.user, **kwargs, **data)
    except PartnerError as error:
        messages.error(request, error.text)
    else:
        if success:
            messages.success(request, success % {"name": label or getattr(result, "name", "")})
    return redirect(_labels_url(community, anchor))


def _role(request, community, role_pk) -> PartnerRole:
    return resolve(request, PartnerRole.objects.filter(community=community), pk=role_pk)


def _dimension(request, community, dimension_pk) -> ReportingDimension:
    return resolve(request, ReportingDimension.objects.filter(community=community), pk=dimension_pk)


def _value(request, community, value_pk) -> DimensionValue:
    return resolve(
        request, DimensionValue.objects.filter(dimension__community=community).select_related("dimension"), pk=value_pk
    )


# --- Partner roles -------------------------------------------------------------------------------------


@door("manage")
def manage_role_add(request, community):
    return _apply(
        request,
        community,
        NameForm,
        partner_role_create,
        _("Partner role %(name)s added."),
        "roles",
        community=community,
    )


@door("manage")
def manage_role_rename(request, community, role_pk):
    role = _role(request, community, role_pk)
    return _apply(
        request,
        community,
        NameForm,
        partner_role_rename,
        _("Partner role renamed to %(name)s."),
        f"role-{role.pk}",
        role=role,
    )


@door("manage")
def manage_role_move(request, community, role_pk):
    role = _role(request, community, role_pk)
    return _apply(request, community, PositionForm, partner_role_move, "", f"role-{role.pk}", role=role)


@door("manage")
def manage_role_delete(request, community, role_pk):
    role = _role(request, community, role_pk)
    return _apply(
        request,
        community,
        None,
        partner_role_delete,
        _("Partner role %(name)s deleted."),
        "roles",
        label=role.name,
        role=role,
    )


# --- Reporting dimensions and their labels ----------------------------------------------------------------


@door("manage")
def manage_dimension_add(request, community):
    return _apply(
        request,
        community,
        NameForm,
        dimension_create,
        _("Reporting dimension %(name)s added."),
        "dimensions",
        community=community,
    )


@door("manage")
def manage_dimension_rename(request, community, dimension_pk):
    dimension = _dimension(request, community, dimension_pk)
    return _apply(
        request,
        community,
        NameForm,
        dimension_rename,
        _("Reporting dimension renamed to %(name)s."),
        f"dimension-{dimension.pk}",
        dimension=dimension,
    )


@door("manage")
def manage_dimension_move(request, community, dimension_pk):
    dimension = _dimension(request, community, dimension_pk)
    return _apply(
        request, community, PositionForm, dimension_move, "", f"dimension-{dimension.pk}", dimension=dimension
    )


@door("manage")
def manage_dimension_delete(request, community, dimension_pk):
    dimension = _dimension(request, community, dimension_pk)
    return _apply(
        request,
        community,
        None,
        dimension_delete,
        _("Reporting dimension %(name)s deleted."),
        "dimensions",
        label=dimension.name,
        dimension=dimension,
    )


@door("manage")
def manage_value_add(request, community, dimension_pk):
    dimension = _dimension(request, community, dimension_pk)
    return _apply(
        request,
        community,
        NameForm,
        dimension_value_create,
        _("Reporting label %(name)s added."),
        f"dimension-{dimension.pk}",
        dimension=dimension,
    )


@door("manage")
def manage_value_rename(request, community, value_pk):
    value = _value(request, community, value_pk)
    return _apply(
        request,
        community,
        NameForm,
        dimension_value_rename,
        _("Reporting label renamed to %(name)s."),
        f"value-{value.pk}",
        value=value,
    )


@door("manage")
def manage_value_move(request, community, value_pk):
    value = _value(request, community, value_pk)
    return _apply(request, community, PositionForm, dimension_value_move, "", f"value-{value.pk}", value=value)


@door("manage")
def manage_value_delete(request, community, value_pk):
    value = _value(request, community, value_pk)
    return _apply(
        request,
        community,
        None,
        dimension_value_delete,
        _("Reporting label %(name)s deleted."),
        f"dimension-{value.dimension_id}",
        label=value.name,
        value=value,
    )
