"""An applicant's pages: applying (answering the meeting's form), their application, withdrawing, confirming."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from communities.access import deny

from .. import selectors, services
from ..models import Answer, Application
from ..question_forms import AnswersForm
from ._common import _apply_errors, _meeting_or_none, _post_only


def _mine(request, meeting_pk):
    """Return (meeting, response): the meeting the visitor sees, or the answer to give them."""
    meeting = _meeting_or_none(request, meeting_pk)
    if meeting is None:
        return None, deny(request)
    if not request.user.is_authenticated:
        return None, redirect_to_login(request.get_full_path())
    if not meeting.takes_applications:
        messages.info(request, _("This meeting does not take applications."))
        return None, redirect(meeting)
    return meeting, None


def _my_page(meeting):
    return redirect("meetings:my_application", community_slug=meeting.community.slug, meeting_pk=meeting.pk)


def apply(request, community_slug, meeting_pk):
    """Show the meeting's form (GET) and apply with the answers (POST)."""
    meeting, response = _mine(request, meeting_pk)
    if response:
        return response
    registration = selectors.registration_of(meeting=meeting, user=request.user)
    if registration is not None and registration.is_active:
        return _my_page(meeting)
    if reason := services.application_closed_reason(meeting=meeting):
        messages.error(request, reason)
        return redirect(meeting)
    questions = services.asked_questions(meeting)
    form = AnswersForm(request.POST or None, questions=questions)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_submit(meeting=meeting, user=request.user, answers=form.answers())
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                messages.error(request, " ".join(error.messages))
                return redirect(meeting)
            _apply_errors(form, error)
        else:
            messages.success(request, _("Your application was sent. A confirmation is on its way by email."))
            return _my_page(meeting)
    return render(
        request,
        "meetings/apply_form.html",
        {
            "community": request.community,
            "meeting": meeting,
            "form": form,
            "deadline": services.answers_deadline(meeting),
        },
    )


def my_application(request, community_slug, meeting_pk):
    """Show one's application: where it stands, the answers (editable until the deadline), confirm and withdraw."""
    meeting, response = _mine(request, meeting_pk)
    if response:
        return response
    registration = selectors.registration_of(meeting=meeting, user=request.user)
    application = Application.objects.filter(registration=registration).first() if registration else None
    if application is None:
        messages.info(request, _("You have not applied to this meeting."))
        return redirect(meeting)
    questions = services.asked_questions(meeting)
    stored = dict(Answer.objects.filter(registration=registration).values_list("question_id", "value"))
    initial = AnswersForm.initial_from(questions, stored, registration.attendance_mode)
    locked_reason = (
        services.answers_locked_reason(meeting)
        if registration.is_active
        else _("This application is closed: its answers are read-only.")
    )
    if locked_reason:
        form = AnswersForm(questions=questions, initial=initial, disabled=True)
        if request.method == "POST":
            messages.error(request, locked_reason)
            return _my_page(meeting)
    else:
        form = AnswersForm(request.POST or None, questions=questions, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                services.application_answers_update(registration=registration, by=request.user, answers=form.answers())
            except ValidationError as error:
                if not hasattr(error, "error_dict"):
                    messages.error(request, " ".join(error.messages))
                    return _my_page(meeting)
                _apply_errors(form, error)
            else:
                messages.success(request, _("Your answers are saved."))
                return _my_page(meeting)
    from ..selectors_applications import status_label

    return render(
        request,
        "meetings/my_application.html",
        {
            "community": request.community,
            "meeting": meeting,
            "registration": registration,
            "application": application,
            "status_label": status_label(registration.status),
            "form": form,
            "locked_reason": locked_reason,
            "deadline": services.answers_deadline(meeting),
        },
    )


def application_withdraw(request, community_slug, meeting_pk):
    meeting, response = _mine(request, meeting_pk)
    if response:
        return response
    if response := _post_only(request):
        return response
    registration = selectors.registration_of(meeting=meeting, user=request.user)
    if registration is not None and registration.is_active:
        services.application_withdraw(registration=registration, by=request.user)
        messages.success(request, _("Your application is withdrawn."))
    return redirect(meeting)


def application_confirm(request, community_slug, meeting_pk):
    meeting, response = _mine(request, meeting_pk)
    if response:
        return response
    if response := _post_only(request):
        return response
    registration = selectors.registration_of(meeting=meeting, user=request.user)
    if registration is None:
        return redirect(meeting)
    try:
        services.application_confirm(registration=registration, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your place is confirmed. See you there!"))
    return _my_page(meeting)
