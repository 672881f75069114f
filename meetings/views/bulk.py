"""Inviting or registering members in bulk: choose who (GET), preview exactly who (POST), confirm (signed POST).

Only the people who organise the meeting by their role (coordinators, the group's facilitators:
Meeting.objects.delegable_by) open it: it reaches the community's members at large. The preview
writes nothing; its confirm button carries the people shown, signed for this meeting and person
for an hour, and the service plans again under the meeting's lock before reaching anyone, so a
stale, tampered or repeated confirm reaches nobody twice and nobody who was not shown.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from communities.access import deny

from ..forms_bulk import BulkForm, read_bulk, sign_bulk
from ..models import Meeting
from ..services import bulk as bulk_services
from ._common import _apply_errors, _meeting_or_none, _not_organiser


def _bulk_meeting(request, meeting_pk):
    meeting = _meeting_or_none(request, meeting_pk)
    if meeting is None:
        return None, deny(request)
    if not Meeting.objects.delegable_by(request.user).filter(pk=meeting.pk).exists():
        return None, _not_organiser(request, meeting)
    return meeting, None


def _render(request, meeting, form, *, plan=None, token="", status=200):
    return render(
        request,
        "meetings/bulk.html",
        {"community": request.community, "meeting": meeting, "form": form, "plan": plan, "token": token},
        status=status,
    )


def bulk(request, community_slug, meeting_pk):
    meeting, response = _bulk_meeting(request, meeting_pk)
    if response:
        return response
    countries = bulk_services.bulk_countries(meeting=meeting)
    if request.method == "POST" and "confirm" in request.POST:
        return _confirm(request, meeting, countries)
    form = BulkForm(request.POST or None, meeting=meeting, country_codes=countries)
    if request.method != "POST":
        return _render(request, meeting, form)
    if not form.is_valid():
        return _render(request, meeting, form, status=400)
    mode, criteria = form.cleaned_data["mode"], form.criteria()
    try:
        bulk_services.check_mode(meeting, mode)
    except ValidationError as error:
        _apply_errors(form, error)
        return _render(request, meeting, form, status=400)
    plan = bulk_services.bulk_plan(meeting=meeting, mode=mode, criteria=criteria)
    token = ""
    if plan.included:
        token = sign_bulk(meeting=meeting, by=request.user, mode=mode, criteria=criteria, user_ids=plan.included_ids)
    return _render(request, meeting, form, plan=plan, token=token)


def _confirm(request, meeting, countries):
    payload = read_bulk(request.POST.get("token", ""), meeting=meeting, by=request.user)
    if payload is None:
        messages.error(request, _("This preview has expired or is not valid: nobody was reached. Preview again."))
        return _render(request, meeting, BulkForm(meeting=meeting, country_codes=countries), status=400)
    try:
        result = bulk_services.bulk_apply(
            meeting=meeting,
            by=request.user,
            mode=payload["mode"],
            criteria=payload["criteria"],
            user_ids=payload["ids"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("meetings:bulk", community_slug=request.community.slug, meeting_pk=meeting.pk)
    if payload["mode"] == bulk_services.REGISTER:
        text = ngettext("%(count)d person registered.", "%(count)d people registered.", result.done)
    else:
        text = ngettext("%(count)d invitation sent.", "%(count)d invitations sent.", result.done)
    messages.success(request, text % {"count": result.done})
    unchanged = len(payload["ids"]) - result.done
    if unchanged > 0:
        messages.info(
            request,
            ngettext(
                "%(count)d person previewed was already reached or is no longer eligible: nothing was sent.",
                "%(count)d people previewed were already reached or are no longer eligible: nothing was sent.",
                unchanged,
            )
            % {"count": unchanged},
        )
    if payload["mode"] == bulk_services.REGISTER:
        return redirect("meetings:registrations", community_slug=request.community.slug, meeting_pk=meeting.pk)
    return redirect("meetings:bulk", community_slug=request.community.slug, meeting_pk=meeting.pk)
