"""A visitor registering for a meeting, and cancelling."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from communities.access import deny

from .. import selectors, services
from ..models import Registration
from ._common import _meeting_or_none, _post_only


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
