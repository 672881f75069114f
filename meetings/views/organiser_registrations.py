"""Registrations seen by organisers: the list, the CSV export, approving and declining."""

from __future__ import annotations

import csv
import zoneinfo

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from communities import permissions
from members.csvsafe import csv_safe

from .. import selectors, services
from ..forms import PersonByEmailForm
from ..models import Registration
from ._common import _apply_errors, _organised, _post_only


def registrations(request, community_slug, meeting_pk):
    """List registrations with organisation and country; approve, decline, and register a member by email."""
    meeting, response = _organised(request, meeting_pk)
    if response:
        return response
    form = PersonByEmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        try:
            services.registration_invite_by_email(meeting=meeting, email=email, by=request.user)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            # One answer whatever the address: the page never tells whether it has an account.
            if permissions.can_manage(request.user, meeting.community):
                text = _(
                    "Done for %(email)s: a member of this community who may see the meeting is now registered "
                    "(the list below shows them); any other address gets an invitation to join the community."
                )
            else:
                text = _(
                    "Done for %(email)s: a member of this community who may see the meeting is now registered "
                    "(the list below shows them). Other people need an invitation from a coordinator first."
                )
            messages.info(request, text % {"email": email})
            return redirect("meetings:registrations", community_slug=community_slug, meeting_pk=meeting_pk)
    rows = list(selectors.registrations_for_organisers(meeting=meeting))
    return render(
        request,
        "meetings/registrations.html",
        {
            "community": request.community,
            "meeting": meeting,
            "registrations": rows,
            "counts": selectors.status_counts(rows),
            "by_organisation": selectors.attendance_by_organisation(rows),
            "form": form,
        },
    )


def _csv_cell(value) -> str:
    """Neutralise spreadsheet formulas in exported cells (CSV injection)."""
    return csv_safe("" if value is None else str(value))


def registrations_csv(request, community_slug, meeting_pk):
    meeting, response = _organised(request, meeting_pk)
    if response:
        return response
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="registrations-{meeting.pk}.csv"'
    response["Cache-Control"] = "private, no-store"
    response.write("\ufeff")  # spreadsheet programs read the file as UTF-8
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Name"),
            _("Email address"),
            _("Organisation"),
            _("Country"),
            _("Status"),
            _("Waitlist position"),
            _("Walk-in"),
            _("Attended"),
            _("Registered at (UTC)"),
        ]
    )
    for registration in selectors.registrations_for_organisers(meeting=meeting):
        writer.writerow(
            [
                _csv_cell(registration.display_name),
                _csv_cell(registration.display_email),
                _csv_cell(registration.organisation_label),
                _csv_cell(registration.country_name),
                registration.get_status_display(),
                registration.position or "",
                _("yes") if registration.walk_in else _("no"),
                _("yes") if registration.attended else _("no"),
                registration.created_at.astimezone(zoneinfo.ZoneInfo("UTC")).strftime("%Y-%m-%d %H:%M"),
            ]
        )
    return response


def _registration_for_decision(request, meeting_pk, registration_pk):
    meeting, response = _organised(request, meeting_pk)
    if response:
        return None, response
    registration = Registration.objects.filter(meeting=meeting, pk=registration_pk).first()
    if registration is None:
        raise Http404
    return registration, None


def registration_approve(request, community_slug, meeting_pk, registration_pk):
    registration, response = _registration_for_decision(request, meeting_pk, registration_pk)
    if response:
        return response
    if response := _post_only(request):
        return response
    registration = services.registration_approve(registration=registration, by=request.user)
    messages.success(request, _("Approved: %(name)s.") % {"name": registration.display_name})
    return redirect("meetings:registrations", community_slug=community_slug, meeting_pk=meeting_pk)


def registration_decline(request, community_slug, meeting_pk, registration_pk):
    registration, response = _registration_for_decision(request, meeting_pk, registration_pk)
    if response:
        return response
    if response := _post_only(request):
        return response
    registration = services.registration_decline(registration=registration, by=request.user)
    messages.success(request, _("Declined: %(name)s.") % {"name": registration.display_name})
    return redirect("meetings:registrations", community_slug=community_slug, meeting_pk=meeting_pk)
