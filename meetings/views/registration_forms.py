"""The organisers' form builder: a meeting's registration questions, added, edited, ordered and removed.

No JavaScript: every change is a form posted to its own address, answered with a redirect.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .. import services
from ..models import Meeting, Question
from ..question_forms import BuiltinForm, QuestionForm
from ._common import _apply_errors, _organised, _post_only


def _builder_url(meeting: Meeting):
    return redirect("meetings:form_builder", community_slug=meeting.community.slug, meeting_pk=meeting.pk)


def _question(meeting: Meeting, question_pk) -> Question:
    question = Question.objects.filter(meeting=meeting, pk=question_pk).first()
    if question is None:
        raise Http404
    return question


def _builtins(meeting: Meeting, questions: list[Question]) -> list[dict]:
    by_builtin = {question.builtin: question for question in questions if question.builtin}
    rows = []
    for value, label in Question.BuiltIn.choices:
        question = by_builtin.get(value)
        rows.append(
            {
                "value": value,
                "label": label,
                "on": bool(question and question.enabled),
                "available": value != Question.BuiltIn.ATTENDANCE_MODE or meeting.format == Meeting.Format.HYBRID,
            }
        )
    return rows


def form_builder(request, community_slug, meeting_pk):
    """List the meeting's questions with their controls; add a custom question (POST)."""
    meeting, response = _organised(request, meeting_pk)
    if response:
        return response
    languages = services.form_languages(meeting)
    form = QuestionForm(request.POST or None, languages=languages, initial={"kind": Question.Kind.SHORT_TEXT})
    if request.method == "POST" and form.is_valid():
        try:
            question = services.question_add(meeting=meeting, by=request.user, fields=form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Question added: %(label)s") % {"label": question.label})
            return _builder_url(meeting)
    questions = list(Question.objects.filter(meeting=meeting).order_by("position", "pk"))
    return render(
        request,
        "meetings/form_builder.html",
        {
            "community": request.community,
            "meeting": meeting,
            "questions": questions,
            "builtins": _builtins(meeting, questions),
            "form": form,
        },
    )


def form_builtin(request, community_slug, meeting_pk):
    """Switch a built-in question on or off."""
    meeting, response = _organised(request, meeting_pk)
    if response:
        return response
    if response := _post_only(request):
        return response
    form = BuiltinForm(request.POST)
    if form.is_valid():
        try:
            services.question_builtin_switch(
                meeting=meeting, by=request.user, builtin=form.cleaned_data["builtin"], on=form.cleaned_data["on"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            label = Question.BuiltIn(form.cleaned_data["builtin"]).label
            if form.cleaned_data["on"]:
                messages.success(request, _("Now asked: %(label)s.") % {"label": label})
            else:
                messages.success(request, _("No longer asked: %(label)s. Answers given are kept.") % {"label": label})
    return _builder_url(meeting)


def question_edit(request, community_slug, meeting_pk, question_pk):
    meeting, response = _organised(request, meeting_pk)
    if response:
        return response
    question = _question(meeting, question_pk)
    languages = services.form_languages(meeting)
    form = QuestionForm(
        request.POST or None,
        languages=languages,
        builtin=question.builtin,
        initial=QuestionForm.initial_from(question, languages),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.question_update(question=question, by=request.user, fields=form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Question saved."))
            return _builder_url(meeting)
    return render(
        request,
        "meetings/question_form.html",
        {
            "community": request.community,
            "meeting": meeting,
            "question": question,
            "form": form,
            "answer_count": question.answers.count(),
        },
    )


def question_move(request, community_slug, meeting_pk, question_pk):
    meeting, response = _organised(request, meeting_pk)
    if response:
        return response
    if response := _post_only(request):
        return response
    question = _question(meeting, question_pk)
    services.question_move(question=question, by=request.user, direction=request.POST.get("direction", ""))
    return _builder_url(meeting)


def question_delete(request, community_slug, meeting_pk, question_pk):
    meeting, response = _organised(request, meeting_pk)
    if response:
        return response
    if response := _post_only(request):
        return response
    question = _question(meeting, question_pk)
    services.question_delete(question=question, by=request.user)
    if question.builtin:
        messages.success(request, _("No longer asked: %(label)s. Answers given are kept.") % {"label": question.label})
    else:
        messages.success(request, _("Question removed, with its answers: %(label)s") % {"label": question.label})
    return _builder_url(meeting)
