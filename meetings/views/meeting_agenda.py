"""The agenda of a meeting: adding, editing, moving and deleting items."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from .. import services
from ..forms import AgendaItemForm
from ..models import AgendaItem
from ._common import _apply_errors, _organised, _post_only


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
    outside = {item.pk for item in items if item.starts_at and not meeting.start <= item.starts_at < meeting.end}
    return render(
        request,
        "meetings/agenda.html",
        {"community": request.community, "meeting": meeting, "items": items, "form": form, "outside": outside},
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
