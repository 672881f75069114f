"""A visitor registering for a meeting (answering its form), changing their answers, and cancelling."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from communities.access import deny

from .. import selectors, services
from ..models import Answer, Registration
from ..question_forms import AnswersForm
from ._common import _apply_errors, _meeting_or_none, _post_only


def _form_page(request, meeting, form, *, registration=None, locked_reason=None):
    return render(
        request,
        "meetings/register_form.html",
        {
            "community": request.community,
            "meeting": meeting,
            "form": form,
            "registration": registration,
            "locked_reason": locked_reason,
            "deadline": services.answers_deadline(meeting),
        },
    )


def register(request, community_slug, meeting_pk):
    """Register (POST); a meeting with questions shows them first (GET) and checks the answers."""
    meeting = _meeting_or_none(request, meeting_pk)
    if meeting is None:
        return deny(request)
    if not request.user.is_authenticated:
        return redirect_to_login(meeting.get_absolute_url())
    questions = services.asked_questions(meeting)
    if request.method == "GET" and questions:
        registration = selectors.registration_of(meeting=meeting, user=request.user)
        if registration is not None and registration.is_active:
            return redirect("meetings:my_answers", community_slug=community_slug, meeting_pk=meeting.pk)
        if reason := services.registration_closed_reason(meeting=meeting):
            messages.error(request, reason)
            return redirect(meeting)
        return _form_page(request, meeting, AnswersForm(questions=questions))
    if response := _post_only(request):
        return response
    form = AnswersForm(request.POST, questions=questions)
    if not form.is_valid():
        return _form_page(request, meeting, form)
    try:
        registration = services.registration_create(meeting=meeting, user=request.user, answers=form.answers())
    except ValidationError as error:
        if hasattr(error, "error_dict") and questions:
            _apply_errors(form, error)
            return _form_page(request, meeting, form)
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


def my_answers(request, community_slug, meeting_pk):
    """Show the registrant's answers; they may change them until the deadline, then read them only."""
    meeting = _meeting_or_none(request, meeting_pk)
    if meeting is None:
        return deny(request)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    registration = selectors.registration_of(meeting=meeting, user=request.user)
    if registration is None or not registration.is_active:
        messages.info(request, _("You are not registered for this meeting."))
        return redirect(meeting)
    questions = services.asked_questions(meeting)
    stored = dict(Answer.objects.filter(registration=registration).values_list("question_id", "value"))
    initial = AnswersForm.initial_from(questions, stored, registration.attendance_mode)
    locked_reason = services.answers_locked_reason(meeting)
    if locked_reason:
        if request.method == "POST":
            messages.error(request, locked_reason)
            return redirect("meetings:my_answers", community_slug=community_slug, meeting_pk=meeting.pk)
        form = AnswersForm(questions=questions, initial=initial, disabled=True)
        return _form_page(request, meeting, form, registration=registration, locked_reason=locked_reason)
    form = AnswersForm(request.POST or None, questions=questions, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.registration_answers_update(registration=registration, by=request.user, answers=form.answers())
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                _apply_errors(form, error)
            else:
                messages.error(request, " ".join(error.messages))
                return redirect("meetings:my_answers", community_slug=community_slug, meeting_pk=meeting.pk)
        else:
            messages.success(request, _("Your answers are saved."))
            return redirect("meetings:my_answers", community_slug=community_slug, meeting_pk=meeting.pk)
    return _form_page(request, meeting, form, registration=registration)


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
        if meeting.series_id:  # a follower of the series keeps following it: this one occurrence is skipped
            services.series_occurrence_skip(meeting=meeting, user=request.user)
        else:
            services.registration_cancel(registration=registration, by=request.user)
        messages.success(request, _("Your registration is cancelled."))
    return redirect(meeting)
