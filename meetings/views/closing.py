"""Attendance and closing a meeting (minutes, outcomes, action items)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from members.ids import parse_ids

from .. import selectors, services
from ..forms import ActionItemFormSet, CloseForm, WalkInForm
from ..models import MeetingOutcome, Registration
from ._common import _apply_errors, _organised


def attendance(request, community_slug, meeting_pk):
    """Tick who came among the registered people, and add walk-ins."""
    meeting, response = _organised(request, meeting_pk)
    if response:
        return response
    walk_in_form = WalkInForm(
        request.POST if request.POST.get("action") == "walk_in" else None,
        community=request.community,
        user=request.user,
    )
    if request.method == "POST":
        try:
            if request.POST.get("action") == "walk_in":
                if walk_in_form.is_valid():
                    data = walk_in_form.cleaned_data
                    services.walk_in_add(
                        meeting=meeting,
                        by=request.user,
                        name=data["name"],
                        email=data["email"],
                        organization=data["organization"],
                        organization_name=data["organization_name"],
                        country=data["country"],
                    )
                    messages.success(request, _("The walk-in is recorded."))
                    return redirect("meetings:attendance", community_slug=community_slug, meeting_pk=meeting_pk)
            else:
                ids = parse_ids(request.POST.getlist("attended"))
                count = services.attendance_mark(meeting=meeting, by=request.user, attended_ids=ids)
                messages.success(request, _("Attendance saved: %(count)d present.") % {"count": count})
                return redirect("meetings:attendance", community_slug=community_slug, meeting_pk=meeting_pk)
        except ValidationError as error:
            if request.POST.get("action") == "walk_in":
                _apply_errors(walk_in_form, error)
            else:
                messages.error(request, " ".join(error.messages))
    rows = [
        registration
        for registration in selectors.registrations_for_organisers(meeting=meeting)
        if registration.status == Registration.Status.REGISTERED
    ]
    return render(
        request,
        "meetings/attendance.html",
        {
            "community": request.community,
            "meeting": meeting,
            "registrations": rows,
            "walk_in_form": walk_in_form,
            "by_organisation": selectors.attendance_by_organisation(rows),
            "started": meeting.has_started,
        },
    )


def meeting_close(request, community_slug, meeting_pk):
    """Write minutes, decisions and action items; saving marks the meeting held."""
    meeting, response = _organised(request, meeting_pk)
    if response:
        return response
    members = selectors.active_members(request.community)
    outcome = MeetingOutcome.objects.filter(meeting=meeting).first()
    existing = list(meeting.action_items.select_related("owner"))
    initial_items = [
        {
            "item_id": item.pk,
            "description": item.description,
            "owner": item.owner_id,
            "owner_name": item.owner_name,
            "due_date": item.due_date,
            "status": item.status,
        }
        for item in existing
    ]
    form = CloseForm(
        request.POST or None,
        initial={"minutes": outcome.minutes if outcome else "", "decisions": outcome.decisions if outcome else ""},
        outcome=outcome,
    )
    formset = ActionItemFormSet(request.POST or None, initial=initial_items, members=members, prefix="actions")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        items = [
            services.ActionItemData(
                pk=data.get("item_id"),
                description=data["description"],
                owner=data.get("owner"),
                owner_name=data.get("owner_name", ""),
                due_date=data.get("due_date"),
                status=data.get("status") or None,
            )
            for data in formset.cleaned_data
            if data and data.get("description")
        ]
        try:
            services.meeting_close(
                meeting=meeting,
                by=request.user,
                minutes=form.cleaned_data["minutes"],
                decisions=form.cleaned_data["decisions"],
                action_items=items,
                mail_to=form.cleaned_data["mail_to"],
                send_again=form.cleaned_data.get("send_again", False),
                seen_round=form.cleaned_data.get("seen_round"),
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Minutes saved; the meeting is marked as held."))
            return redirect(meeting)
    return render(
        request,
        "meetings/meeting_close.html",
        {"community": request.community, "meeting": meeting, "form": form, "formset": formset},
    )
