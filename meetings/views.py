"""Pages of a community's meetings: lists, calendar, the meeting page, registration and organiser tools.

Every lookup goes through Meeting.objects.visible_to(user) (or manageable_by) inside
request.community: a meeting the visitor may not see answers 404 (or the sign-in page
to an anonymous visitor), exactly like a missing one. A visible meeting that the
visitor may not organise sends them back to its page with a message.
"""

from __future__ import annotations

import calendar as pycalendar
import csv
import zoneinfo
from datetime import date, datetime, timedelta

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from communities.access import deny
from communities.selectors import user_can_see_content
from members.csvsafe import csv_safe
from members.models import User

from . import ical, selectors, services
from .calendar_links import add_to_calendar_links
from .forms import (
    ActionItemFormSet,
    AgendaItemForm,
    CloseForm,
    DuplicateForm,
    MeetingForm,
    PersonByEmailForm,
    SeriesForm,
    WalkInForm,
)
from .models import AgendaItem, Meeting, MeetingOutcome, MeetingSeries, Registration

PAGE_SIZE = 20


# ---------------------------------------------------------------- helpers


def _visible(request):
    return Meeting.objects.visible_to(request.user).filter(community=request.community)


def _meeting_or_none(request, pk) -> Meeting | None:
    return _visible(request).select_related("community", "group", "series").filter(pk=pk).first()


def _not_organiser(request, meeting):
    messages.error(request, _("Only the organisers of this meeting can do that."))
    return redirect(meeting)


def _post_only(request):
    return None if request.method == "POST" else HttpResponseNotAllowed(["POST"])


def _organised(request, pk):
    """Return (meeting, None) when the visitor organises meeting pk, else (None, the response to give)."""
    meeting = _meeting_or_none(request, pk)
    if meeting is None:
        return None, deny(request)
    if not selectors.can_manage(user=request.user, meeting=meeting):
        return None, _not_organiser(request, meeting)
    return meeting, None


def _apply_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _scheduling_context(request):
    """Return (groups, group_required) for the meeting forms, or None when the visitor schedules nothing here."""
    groups = selectors.schedulable_groups(user=request.user, community=request.community)
    if groups is None:
        return None
    return groups, not selectors.is_coordinator(user=request.user, community=request.community)


# ---------------------------------------------------------------- lists


def meeting_list(request, community_slug):
    """List upcoming (or past) meetings of the community, filtered by kind, group, format and theme."""
    community = request.community
    if not user_can_see_content(user=request.user, community=community):
        return deny(request)
    when = "past" if request.GET.get("when") == "past" else "upcoming"
    filters = {key: request.GET.get(key, "") for key in ("kind", "group", "format", "theme")}
    visible = selectors.community_meetings(community=community, user=request.user)
    meetings = selectors.filter_meetings(visible, **filters)
    meetings = meetings.past() if when == "past" else meetings.upcoming()
    page = Paginator(selectors.for_cards(meetings, request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "community": community,
        "page": page,
        "meetings": page.object_list,
        "when": when,
        "filters": filters,
        "kinds": Meeting.Kind.choices,
        "formats": Meeting.Format.choices,
        "groups": community.groups.order_by("name").only("slug", "name"),
        "themes": selectors.theme_choices(visible),
        "can_schedule": selectors.can_schedule(user=request.user, community=community),
        "feed_url": request.build_absolute_uri(
            reverse("calendar_feeds:community", kwargs={"community_slug": community.slug})
        ),
    }
    return render(request, "meetings/meeting_list.html", context)


def _month_from(request) -> date:
    today = timezone.localdate()
    value = request.GET.get("month", "")
    try:
        year, month = (int(part) for part in value.split("-", 1))
        return date(year, month, 1)
    except (TypeError, ValueError):
        return today.replace(day=1)


def meeting_calendar(request, community_slug):
    """Show one month as a table of weeks, each day listing its meetings in the viewer's zone (no JavaScript)."""
    community = request.community
    if not user_can_see_content(user=request.user, community=community):
        return deny(request)
    first = _month_from(request)
    viewer_zone = timezone.get_current_timezone() if request.user.is_authenticated else zoneinfo.ZoneInfo("UTC")
    month_days = pycalendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    start = datetime.combine(month_days[0][0], datetime.min.time(), tzinfo=viewer_zone)
    end = datetime.combine(month_days[-1][-1] + timedelta(days=1), datetime.min.time(), tzinfo=viewer_zone)
    meetings = list(
        selectors.community_meetings(community=community, user=request.user)
        .in_range(start, end)
        .select_related("community", "group")
        .order_by("start", "pk")
    )
    by_day: dict[date, list[Meeting]] = {}
    for meeting in meetings:
        day = meeting.start.astimezone(viewer_zone).date()
        last = (meeting.end - timedelta(seconds=1)).astimezone(viewer_zone).date()
        while day <= last:
            by_day.setdefault(day, []).append(meeting)
            day += timedelta(days=1)
    weeks = [[(day, day.month == first.month, by_day.get(day, [])) for day in week] for week in month_days]
    previous = (first - timedelta(days=1)).replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    context = {
        "community": community,
        "month": first,
        "weeks": weeks,
        "weekdays": [(formats.date_format(day, "l"), formats.date_format(day, "D")) for day in month_days[0]],
        "previous": previous,
        "following": following,
        "today": timezone.localdate(timezone=viewer_zone),
        "viewer_zone": viewer_zone,
        "can_schedule": selectors.can_schedule(user=request.user, community=community),
    }
    return render(request, "meetings/meeting_calendar.html", context)


# ---------------------------------------------------------------- the meeting page


def _jsonld(meeting: Meeting, page_url: str) -> dict:
    attendance = {
        Meeting.Format.IN_PERSON: "https://schema.org/OfflineEventAttendanceMode",
        Meeting.Format.ONLINE: "https://schema.org/OnlineEventAttendanceMode",
        Meeting.Format.HYBRID: "https://schema.org/MixedEventAttendanceMode",
    }[meeting.format]
    locations = []
    if meeting.is_in_person:
        address = {"@type": "PostalAddress"}
        if meeting.city:
            address["addressLocality"] = meeting.city
        if meeting.country:
            address["addressCountry"] = str(meeting.country)
        locations.append({"@type": "Place", "name": meeting.venue or meeting.city or "", "address": address})
    if meeting.is_online:
        # The page, never the join link: that one is for registered people only.
        locations.append({"@type": "VirtualLocation", "url": page_url})
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": meeting.title,
        "description": meeting.description,
        "startDate": meeting.local_start.isoformat(),
        "endDate": meeting.local_end.isoformat(),
        "eventStatus": "https://schema.org/EventCancelled"
        if meeting.is_cancelled
        else "https://schema.org/EventScheduled",
        "eventAttendanceMode": attendance,
        "url": page_url,
        "organizer": {
            "@type": "Organization",
            "name": meeting.host_organization.name if meeting.host_organization_id else meeting.community.name,
        },
    }
    if locations:
        data["location"] = locations if len(locations) > 1 else locations[0]
    if meeting.capacity:
        data["maximumAttendeeCapacity"] = meeting.capacity
    return data


def meeting_detail(request, community_slug, meeting_pk):
    meeting = selectors.meeting_for_page(meeting_qs=selectors.with_counts(_visible(request), request.user)).filter(
        pk=meeting_pk
    )
    meeting = meeting.first()
    if meeting is None:
        return deny(request)
    can_manage = selectors.can_manage(user=request.user, meeting=meeting)
    registration = selectors.registration_of(meeting=meeting, user=request.user)
    registered = registration is not None and registration.status == Registration.Status.REGISTERED
    page_url = request.build_absolute_uri(meeting.get_absolute_url())
    try:
        outcome = meeting.outcome
    except MeetingOutcome.DoesNotExist:
        outcome = None
    seats_left = max(0, meeting.capacity - meeting.seats_taken) if meeting.capacity is not None else None
    context = {
        "community": request.community,
        "meeting": meeting,
        "registration": registration,
        "registered": registered,
        "waitlist_position": selectors.waitlist_position(registration=registration) if registration else None,
        # The online link is for people holding a seat, and for the organisers.
        "show_join": meeting.is_online and bool(meeting.online_url) and (registered or can_manage),
        "can_manage": can_manage,
        "closed_reason": services.registration_closed_reason(meeting=meeting),
        "seats_left": seats_left,
        "is_full": seats_left == 0,
        "outcome": outcome,
        "agenda_items": list(meeting.agenda_items.all()),
        "action_items": list(meeting.action_items.all()),
        "calendar_links": add_to_calendar_links(meeting, page_url=page_url, include_join=registered),
        "jsonld": _jsonld(meeting, page_url),
    }
    return render(request, "meetings/meeting_detail.html", context)


def meeting_ics(request, community_slug, meeting_pk):
    """Download one meeting as .ics; the join link is in it only for a registered person."""
    meeting = _meeting_or_none(request, meeting_pk)
    if meeting is None:
        return deny(request)
    registration = selectors.registration_of(meeting=meeting, user=request.user)
    registered = registration is not None and registration.status == Registration.Status.REGISTERED
    body = ical.build_calendar(
        [meeting],
        name=meeting.title,
        base_url=request.build_absolute_uri("/"),
        join_for={meeting.pk} if registered else set(),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    filename = slugify(meeting.title)[:60] or "meeting"
    response["Content-Disposition"] = f'attachment; filename="{filename}.ics"'
    response["Cache-Control"] = "private, no-store"
    return response


# ---------------------------------------------------------------- registration


def register(request, community_slug, meeting_pk):
    meeting = _meeting_or_none(request, meeting_pk)
    if meeting is None:
        return deny(request)
    if response := _post_only(request):
        return response
    if not request.user.is_authenticated:
        return redirect_to_login(meeting.get_absolute_url())
    try:
        registration = services.registration_create(meeting=meeting, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(meeting)
    notices = {
        Registration.Status.REGISTERED: _("You are registered. A confirmation is on its way by email."),
        Registration.Status.WAITLISTED: _(
            "The meeting is full: you are on the waitlist and will get a seat as soon as one is free."
        ),
        Registration.Status.PENDING: _("Your request was sent; the organisers will confirm it."),
    }
    messages.success(request, notices.get(registration.status, _("Saved.")))
    return redirect(meeting)


def unregister(request, community_slug, meeting_pk):
    meeting = _meeting_or_none(request, meeting_pk)
    if meeting is None:
        return deny(request)
    if response := _post_only(request):
        return response
    if not request.user.is_authenticated:
        return redirect_to_login(meeting.get_absolute_url())
    registration = selectors.registration_of(meeting=meeting, user=request.user)
    if registration is not None and registration.is_active:
        services.registration_cancel(registration=registration, by=request.user)
        messages.success(request, _("Your registration is cancelled."))
    return redirect(meeting)


# ---------------------------------------------------------------- organiser forms


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
        request.POST or None, initial=initial, community=community, groups=groups, group_required=group_required
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
    form = MeetingForm(
        request.POST or None,
        initial=MeetingForm.initial_from(meeting),
        community=request.community,
        groups=groups,
        group_required=group_required and meeting.group_id is not None,
    )
    if request.method == "POST" and form.is_valid():
        fields, themes = form.service_fields()
        try:
            services.meeting_update(meeting=meeting, by=request.user, themes=themes, **fields)
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
        },
    )


def meeting_duplicate(request, community_slug, meeting_pk):
    meeting, response = _organised(request, meeting_pk)
    if response:
        return response
    default = (meeting.local_start + timedelta(days=7)).replace(tzinfo=None)
    form = DuplicateForm(request.POST or None, initial={"start": default})
    if request.method == "POST" and form.is_valid():
        start = form.cleaned_data["start"].replace(tzinfo=meeting.zone)
        try:
            copy = services.meeting_duplicate(meeting=meeting, by=request.user, start=start)
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
        request.POST or None, initial=initial, community=community, groups=groups, group_required=group_required
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
    from .recurrence import describe

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
        },
    )


# ---------------------------------------------------------------- agenda


def agenda(request, community_slug, meeting_pk):
    meeting, response = _organised(request, meeting_pk)
    if response:
        return response
    form = AgendaItemForm(request.POST or None, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            services.agenda_item_add(meeting=meeting, by=request.user, **form.service_fields())
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The item is added to the agenda."))
            return redirect("meetings:agenda", community_slug=request.community.slug, meeting_pk=meeting.pk)
    items = list(AgendaItem.objects.filter(meeting=meeting).order_by("order", "pk"))
    return render(
        request,
        "meetings/agenda.html",
        {"community": request.community, "meeting": meeting, "items": items, "form": form},
    )


def _agenda_item(request, meeting_pk, agenda_item_pk):
    meeting, response = _organised(request, meeting_pk)
    if response:
        return None, response
    item = AgendaItem.objects.filter(meeting=meeting, pk=agenda_item_pk).first()
    if item is None:
        raise Http404
    return item, None


def agenda_item_move(request, community_slug, meeting_pk, agenda_item_pk):
    item, response = _agenda_item(request, meeting_pk, agenda_item_pk)
    if response:
        return response
    if response := _post_only(request):
        return response
    offset = -1 if request.POST.get("direction") == "up" else 1
    services.agenda_item_move(item=item, by=request.user, offset=offset)
    agenda_url = reverse("meetings:agenda", kwargs={"community_slug": community_slug, "meeting_pk": meeting_pk})
    return redirect(f"{agenda_url}#item-{item.pk}")


def agenda_item_delete(request, community_slug, meeting_pk, agenda_item_pk):
    item, response = _agenda_item(request, meeting_pk, agenda_item_pk)
    if response:
        return response
    if response := _post_only(request):
        return response
    services.agenda_item_delete(item=item, by=request.user)
    messages.success(request, _("The item is removed from the agenda."))
    return redirect("meetings:agenda", community_slug=community_slug, meeting_pk=meeting_pk)


def agenda_item_edit(request, community_slug, meeting_pk, agenda_item_pk):
    item, response = _agenda_item(request, meeting_pk, agenda_item_pk)
    if response:
        return response
    meeting = item.meeting
    initial = {
        "title": item.title,
        "speaker": item.speaker,
        "notes": item.notes,
        "starts_at": item.starts_at.astimezone(meeting.zone).replace(tzinfo=None) if item.starts_at else None,
    }
    form = AgendaItemForm(request.POST or None, initial=initial, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            services.agenda_item_update(item=item, by=request.user, **form.service_fields())
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The agenda item is saved."))
            return redirect("meetings:agenda", community_slug=community_slug, meeting_pk=meeting_pk)
    return render(
        request,
        "meetings/agenda_item_form.html",
        {"community": request.community, "meeting": meeting, "item": item, "form": form},
    )


# ---------------------------------------------------------------- registrations (organisers)


def registrations(request, community_slug, meeting_pk):
    """List registrations with organisation and country; approve, decline, and register a member by email."""
    meeting, response = _organised(request, meeting_pk)
    if response:
        return response
    form = PersonByEmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = User.objects.filter(email__iexact=form.cleaned_data["email"], is_active=True).first()
        if person is None:
            form.add_error("email", _("Nobody with this email address has an account."))
        else:
            try:
                services.registration_invite(meeting=meeting, user=person, by=request.user)
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, _("%(name)s is registered.") % {"name": person.get_full_name()})
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


# ---------------------------------------------------------------- attendance and closing


def attendance(request, community_slug, meeting_pk):
    """Tick who came among the registered people, and add walk-ins."""
    meeting, response = _organised(request, meeting_pk)
    if response:
        return response
    walk_in_form = WalkInForm(
        request.POST if request.POST.get("action") == "walk_in" else None, community=request.community
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
                ids = [int(value) for value in request.POST.getlist("attended") if value.isdigit()]
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
            "description": item.description,
            "owner": item.owner_id,
            "owner_name": item.owner_name,
            "due_date": item.due_date,
            "done": item.done,
        }
        for item in existing
    ]
    form = CloseForm(
        request.POST or None,
        initial={"minutes": outcome.minutes if outcome else "", "decisions": outcome.decisions if outcome else ""},
    )
    formset = ActionItemFormSet(request.POST or None, initial=initial_items, members=members, prefix="actions")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        items = [
            services.ActionItemData(
                description=data["description"],
                owner=data.get("owner"),
                owner_name=data.get("owner_name", ""),
                due_date=data.get("due_date"),
                done=data.get("done", False),
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


# ---------------------------------------------------------------- feeds


def community_feed(request, community_slug):
    """Serve the community's public meetings as an iCalendar feed (members-only meetings never go in)."""
    community = request.community
    if not user_can_see_content(user=request.user, community=community):
        raise Http404
    meetings = selectors.community_feed_meetings(community, request.user)
    body = ical.build_calendar(meetings, name=community.name, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{community.slug}-meetings.ics"'
    return response


def personal_feed(request, token):
    """Serve a person's private feed: every meeting of their communities, join links where they hold a seat."""
    user = services.calendar_feed_user(token=token)
    if user is None:
        raise Http404
    meetings, registered = selectors.personal_feed_meetings(user)
    body = ical.build_calendar(
        meetings, name=_("My meetings"), base_url=request.build_absolute_uri("/"), join_for=registered
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="my-meetings.ics"'
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


def feed_manage(request):
    """Let a person create, replace or turn off their private calendar address (shown once, only the hash is kept)."""
    if not request.user.is_authenticated:
        return deny(request)
    from .models import CalendarFeedToken

    feed_url = None
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            services.calendar_feed_token_revoke(user=request.user)
            messages.success(request, _("Your calendar address is turned off; calendars using it get nothing now."))
            return redirect("calendar_feeds:manage")
        token = services.calendar_feed_token_create(user=request.user)
        feed_url = request.build_absolute_uri(reverse("calendar_feeds:personal", kwargs={"token": token}))
    active = CalendarFeedToken.objects.filter(user=request.user, revoked_at__isnull=True).first()
    return render(request, "meetings/feed_manage.html", {"active": active, "feed_url": feed_url})
