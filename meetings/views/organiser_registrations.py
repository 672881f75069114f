"""Registrations seen by organisers: the list with answers and filters, CSV and Excel exports, decisions.

The page and both exports read registration_table() with the same filters (the query string),
so a download holds exactly the rows the organiser filtered, under the same privacy choices.
"""

from __future__ import annotations

import csv
import io
import zoneinfo

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from communities import permissions
from members.csvsafe import csv_safe

from .. import selectors, selectors_forms, services
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
    all_rows = list(selectors.registrations_for_organisers(meeting=meeting))
    questions = selectors_forms.form_questions(meeting, include_off=True)
    filters = selectors_forms.filters_from(request.GET, questions)
    asked, rows, split = selectors_forms.registration_table(meeting, filters)
    return render(
        request,
        "meetings/registrations.html",
        {
            "community": request.community,
            "meeting": meeting,
            "rows": rows,
            "questions": asked,
            "split": split,
            "filters": filters,
            "filter_options": [
                (question, options, filters.answers.get(question.pk, ""))
                for question, options in selectors_forms.filter_options(asked)
            ],
            "status_choices": Registration.Status.choices,
            "mode_choices": Registration.Mode.choices,
            "query": request.GET.urlencode(),
            "counts": selectors.status_counts(all_rows),
            "seat_counts": selectors_forms.seat_counts(meeting, split),
            "by_organisation": selectors.attendance_by_organisation(all_rows),
            "form": form,
        },
    )


def _csv_cell(value) -> str:
    """Neutralise spreadsheet formulas in exported cells (CSV injection)."""
    return csv_safe("" if value is None else str(value))


def _export_table(request, meeting) -> tuple[list[str], list[list]]:
    """Return (header, rows) of the export: the filtered registrations with their answers, privacy applied."""
    questions = selectors_forms.form_questions(meeting, include_off=True)
    filters = selectors_forms.filters_from(request.GET, questions)
    asked, rows, split = selectors_forms.registration_table(meeting, filters)
    header = [
        _("Name"),
        _("Email address"),
        _("Organisation"),
        _("Country"),
        _("Status"),
        _("Waitlist position"),
    ]
    if split:
        header.append(_("Attendance mode"))
    header += [_("Walk-in"), _("Attended"), _("Registered at (UTC)")]
    header += [question.label for question in asked]
    table = []
    for row in rows:
        registration = row.registration
        cells = [
            registration.display_name,
            registration.display_email,
            registration.organisation_label,
            registration.country_name,
            registration.get_status_display(),
            registration.position or "",
        ]
        if split:
            cells.append(registration.get_attendance_mode_display() or Registration.Mode.IN_PERSON.label)
        cells += [
            _("yes") if registration.walk_in else _("no"),
            _("yes") if registration.attended else _("no"),
            registration.created_at.astimezone(zoneinfo.ZoneInfo("UTC")).strftime("%Y-%m-%d %H:%M"),
        ]
        table.append(cells + row.answers)
    return header, table


def _download(response, meeting, extension: str):
    response["Content-Disposition"] = f'attachment; filename="registrations-{meeting.pk}.{extension}"'
    response["Cache-Control"] = "private, no-store"
    return response


def registrations_csv(request, community_slug, meeting_pk):
    meeting, response = _organised(request, meeting_pk)
    if response:
        return response
    response = _download(HttpResponse(content_type="text/csv; charset=utf-8"), meeting, "csv")
    response.write("\ufeff")  # spreadsheet programs read the file as UTF-8
    writer = csv.writer(response)
    header, table = _export_table(request, meeting)
    writer.writerow([_csv_cell(cell) for cell in header])
    for cells in table:
        writer.writerow([cell if isinstance(cell, int) else _csv_cell(cell) for cell in cells])
    return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def registrations_xlsx(request, community_slug, meeting_pk):
    """The same table as the CSV, as an Excel workbook; text cells stay text (never formulas)."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import TYPE_STRING

    meeting, response = _organised(request, meeting_pk)
    if response:
        return response
    header, table = _export_table(request, meeting)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Registrations")[:31]
    for cells in [header, *table]:
        sheet.append([cell if isinstance(cell, int) else str(cell) for cell in cells])
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = TYPE_STRING  # "=..." typed by a registrant is shown, never run
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _download(HttpResponse(buffer.getvalue(), content_type=XLSX), meeting, "xlsx")


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
