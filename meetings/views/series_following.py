"""Registering for a whole series: follow, leave, skip one occurrence or come after all; organisers extend it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from communities.access import deny

from .. import selectors, services
from ..forms_bulk import SeriesExtendForm
from ..models import MeetingSeries
from ._common import _apply_errors, _meeting_or_none, _post_only, _visible


def _series_or_none(request, series_pk) -> MeetingSeries | None:
    """Return the series when the visitor may see at least one of its meetings (else it does not exist for them)."""
    if not _visible(request).filter(series_id=series_pk).exists():
        return None
    return MeetingSeries.objects.filter(pk=series_pk, community=request.community).first()


def series_follow(request, community_slug, series_pk):
    series = _series_or_none(request, series_pk)
    if series is None:
        return deny(request)
    if response := _post_only(request):
        return response
    if not request.user.is_authenticated:
        return redirect_to_login(series.get_absolute_url())
    try:
        result = services.series_follow(series=series, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(series)
    count = len(result.registrations)
    messages.success(
        request,
        ngettext(
            "You follow the series: you are registered for %(count)d coming meeting, and for those added later.",
            "You follow the series: you are registered for %(count)d coming meetings, and for those added later.",
            count,
        )
        % {"count": count},
    )
    if result.left_out:
        messages.info(
            request,
            ngettext(
                "%(count)d meeting could not take your registration; the list below shows which.",
                "%(count)d meetings could not take your registration; the list below shows which.",
                len(result.left_out),
            )
            % {"count": len(result.left_out)},
        )
    return redirect(series)


def series_leave(request, community_slug, series_pk):
    series = _series_or_none(request, series_pk)
    if series is None:
        return deny(request)
    if response := _post_only(request):
        return response
    if not request.user.is_authenticated:
        return redirect_to_login(series.get_absolute_url())
    count = services.series_leave(series=series, user=request.user)
    messages.success(
        request,
        ngettext(
            "You left the series; %(count)d registration for its coming meetings is cancelled.",
            "You left the series; %(count)d registrations for its coming meetings are cancelled.",
            count,
        )
        % {"count": count},
    )
    return redirect(series)


def _occurrence_step(request, meeting_pk, step):
    meeting = _meeting_or_none(request, meeting_pk)
    if meeting is None or meeting.series_id is None:
        return deny(request)
    if response := _post_only(request):
        return response
    if not request.user.is_authenticated:
        return redirect_to_login(meeting.get_absolute_url())
    try:
        step(meeting)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    back = request.POST.get("back")
    return redirect(meeting.series if back == "series" else meeting)


def occurrence_skip(request, community_slug, meeting_pk):
    """Miss this one occurrence: its registration is cancelled, the series is kept."""

    def skip(meeting):
        services.series_occurrence_skip(meeting=meeting, user=request.user)
        messages.success(request, _("You will miss this meeting; you still follow the series."))

    return _occurrence_step(request, meeting_pk, skip)


def occurrence_unskip(request, community_slug, meeting_pk):
    """Come after all: the skip is taken back and the person registered as usual."""

    def unskip(meeting):
        services.series_occurrence_unskip(meeting=meeting, user=request.user)
        messages.success(request, _("You are registered for this meeting again."))

    return _occurrence_step(request, meeting_pk, unskip)


def series_extend(request, community_slug, series_pk):
    """Add meetings to a series up to a new last day; its followers are registered for each."""
    series = _series_or_none(request, series_pk)
    if series is None:
        return deny(request)
    latest = _visible(request).filter(series=series).order_by("-start", "-pk").first()
    if not selectors.can_manage(user=request.user, meeting=latest):
        messages.error(request, _("Only the organisers of this meeting can do that."))
        return redirect(series)
    form = SeriesExtendForm(request.POST or None, initial={"until": series.until})
    if request.method == "POST" and form.is_valid():
        try:
            added = services.series_extend(series=series, until=form.cleaned_data["until"], by=request.user)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)d meeting added to the series; its followers are registered.",
                    "%(count)d meetings added to the series; its followers are registered.",
                    len(added),
                )
                % {"count": len(added)},
            )
            return redirect(series)
    return render(
        request,
        "meetings/series_extend.html",
        {"community": request.community, "series": series, "form": form},
    )


def following_context(*, series: MeetingSeries, user, meetings) -> dict:
    """Return what the series page shows a visitor about their own place in it (follow, occurrences, skips)."""
    follow = services.series_following_of(series=series, user=user)
    skipped = set(follow.skips.values_list("meeting_id", flat=True)) if follow else set()
    mine = []
    if follow is not None:
        for meeting in meetings:
            if meeting.status == meeting.Status.SCHEDULED and not meeting.has_started:
                mine.append((meeting, meeting.pk in skipped))
    return {"follow": follow, "my_occurrences": mine}
