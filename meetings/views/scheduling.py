"""Organiser forms: scheduling, editing, duplicating and cancelling meetings, and series."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from communities.access import deny
from communities.selectors import user_can_see_content

from .. import selectors, services
from ..forms import DuplicateForm, MeetingForm, SeriesForm
from ..models import Meeting, MeetingSeries, Registration
from ._common import _apply_errors, _organised, _scheduling_context, _visible


def meeting_create(request, community_slug):
    community = request.community
    if not user_can_see_content(user=request.user, community=community):
        return deny(request)
    scheduling = _scheduling_context(request)
    if scheduling is None:
        messages.error(request, _("Only coordinators and facilitators can schedule meetings."))
        return redirect("meetings:list", community_slug=community.slug)
    groups, group_required = scheduling
    initial = {
        "time_zone": request.user.time_zone,
        "format": Meeting.Format.ONLINE,
        "visibility": Meeting.Visibility.MEMBERS,
        "registration_policy": Meeting.RegistrationPolicy.OPEN,
    }
    form = MeetingForm(
        request.POST or None,
        initial=initial,
        community=community,
        user=request.user,
        groups=groups,
        group_required=group_required,
    )
    if request.method == "POST" and form.is_valid():
        fields, themes = form.service_fields()
        try:
            meeting = services.meeting_schedule(community=community, by=request.user, themes=themes, **fields)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The meeting is scheduled."))
            return redirect(meeting)
    return render(
        request,
        "meetings/meeting_form.html",
        {"community": community, "form": form, "heading": _("Schedule a meeting"), "submit": _("Schedule")},
    )


def meeting_edit(request, community_slug, meeting_pk):
    meeting, response = _organised(request, meeting_pk)
    if response:
        return response
    groups, group_required = _scheduling_context(request) or (
        request.community.groups.filter(pk=meeting.group_id),
        True,
    )
    groups = groups | request.community.groups.filter(pk=meeting.group_id)  # its group, even when archived
    form = MeetingForm(
        request.POST or None,
        initial=MeetingForm.initial_from(meeting),
        community=request.community,
        user=request.user,
        groups=groups,
        group_required=group_required and meeting.group_id is not None,
    )
    agenda_outside: list = []
    if request.method == "POST" and form.is_valid():
        fields, themes = form.service_fields()
        agenda_outside = _agenda_outside_unconfirmed(request, meeting, fields)
        if not agenda_outside:
            try:
                meeting = services.meeting_update(meeting=meeting, by=request.user, themes=themes, **fields)
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, _("The meeting is updated."))
                return redirect(meeting)
    return render(
        request,
        "meetings/meeting_form.html",
        {
            "community": request.community,
            "meeting": meeting,
            "form": form,
            "heading": _("Edit the meeting"),
            "submit": _("Save"),
            "agenda_outside": agenda_outside,
            "agenda_outside_ids": ",".join(str(item.pk) for item in agenda_outside),
        },
    )


def _agenda_outside_unconfirmed(request, meeting: Meeting, fields: dict) -> list:
    """Return the agenda items the new times would leave outside the meeting, unless the organiser confirmed them.

    Nothing is saved until the organiser has seen exactly these items: the confirming button
    carries their ids, and a different set (other times typed since) asks again.
    """
    start, end = fields.get("start") or meeting.start, fields.get("end") or meeting.end
    if (start, end) == (meeting.start, meeting.end):
        return []
    outside = services.agenda_items_outside_if_moved(meeting, start=start, end=end)
    confirmed = request.POST.get("agenda_confirmed", "")
    if confirmed and confirmed == ",".join(str(item.pk) for item in outside):
        return []
    return outside


def meeting_duplicate(request, community_slug, meeting_pk):
    meeting, response = _organised(request, meeting_pk)
    if response:
        return response
    default = (meeting.local_start + timedelta(days=7)).replace(tzinfo=None)
    form = DuplicateForm(request.POST or None, initial={"start": default}, zone_name=meeting.time_zone)
    if request.method == "POST" and form.is_valid():
        try:
            copy = services.meeting_duplicate(meeting=meeting, by=request.user, start=form.cleaned_data["start"])
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("A copy of the meeting is scheduled; check its details."))
            return redirect("meetings:edit", community_slug=request.community.slug, meeting_pk=copy.pk)
    return render(
        request,
        "meetings/meeting_duplicate.html",
        {"community": request.community, "meeting": meeting, "form": form},
    )


def meeting_cancel(request, community_slug, meeting_pk):
    meeting, response = _organised(request, meeting_pk)
    if response:
        return response
    if request.method == "POST":
        if request.POST.get("scope") == "following" and meeting.series_id:
            count = services.series_cancel_following(meeting=meeting, by=request.user)
            messages.success(request, _("%(count)d meetings of the series are cancelled.") % {"count": count})
        else:
            services.meeting_cancel(meeting=meeting, by=request.user)
            messages.success(request, _("The meeting is cancelled; registered people are told by email."))
        return redirect(meeting)
    registered = Registration.objects.filter(meeting=meeting).active().count()
    return render(
        request,
        "meetings/meeting_cancel.html",
        {"community": request.community, "meeting": meeting, "registered": registered},
    )


def series_create(request, community_slug):
    community = request.community
    if not user_can_see_content(user=request.user, community=community):
        return deny(request)
    scheduling = _scheduling_context(request)
    if scheduling is None:
        messages.error(request, _("Only coordinators and facilitators can schedule meetings."))
        return redirect("meetings:list", community_slug=community.slug)
    groups, group_required = scheduling
    initial = {
        "time_zone": request.user.time_zone,
        "format": Meeting.Format.ONLINE,
        "visibility": Meeting.Visibility.MEMBERS,
        "registration_policy": Meeting.RegistrationPolicy.OPEN,
        "frequency": "monthly",
        "ordinal": 1,
        "weekday": 1,
        "duration_minutes": 60,
    }
    form = SeriesForm(
        request.POST or None,
        initial=initial,
        community=community,
        user=request.user,
        groups=groups,
        group_required=group_required,
    )
    if request.method == "POST" and form.is_valid():
        fields, themes = form.service_fields()
        try:
            series = services.series_create(
                community=community, by=request.user, rule=form.rule(), themes=themes, **fields
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            count = series.meetings.count()
            messages.success(request, _("%(count)d meetings are scheduled.") % {"count": count})
            return redirect(series)
    return render(
        request,
        "meetings/meeting_form.html",
        {
            "community": community,
            "form": form,
            "heading": _("Schedule a recurring meeting"),
            "submit": _("Schedule the series"),
        },
    )


def series_detail(request, community_slug, series_pk):
    community = request.community
    meetings = list(
        selectors.for_cards(_visible(request).filter(series_id=series_pk), request.user).order_by("start", "pk")
    )
    if not meetings:
        return deny(request)
    series = get_object_or_404(MeetingSeries, pk=series_pk, community=community)
    from ..recurrence import describe
    from .series_following import following_context

    return render(
        request,
        "meetings/series_detail.html",
        {
            "community": community,
            "series": series,
            "meetings": meetings,
            "rule_text": describe(
                rrule_text=series.rrule, time_zone=series.time_zone, start_time=series.start_time, until=series.until
            ),
            "can_manage": selectors.can_manage(user=request.user, meeting=meetings[0]),
            **following_context(series=series, user=request.user, meetings=meetings),
        },
    )
