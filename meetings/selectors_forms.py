"""Reads of registration forms: answers beside registrations, their filters, and the attendee list.

The registrations page and its CSV and Excel exports share registration_table(), so what an
organiser filters on the page is exactly what they download, with the same privacy choices:
an email address only where its owner shows it (User.show_email), a country only where its
owner shows it (User.show_country). The attendee list, seen by the meeting's participants,
names only the people who answered yes to the consent question.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext as _

from .models import Answer, Meeting, Question, Registration
from .services.answers import answer_display

FILTERABLE_KINDS = (Question.Kind.CHOICE, Question.Kind.MULTIPLE_CHOICE, Question.Kind.YES_NO, Question.Kind.COUNTRY)
ANSWERED, UNANSWERED = "__answered", "__empty"


def form_questions(meeting: Meeting, *, include_off: bool = False) -> list[Question]:
    """Return meeting's questions in order (those switched off only when asked for: their answers stay)."""
    questions = Question.objects.filter(meeting=meeting).order_by("position", "pk")
    if not include_off:
        questions = questions.filter(enabled=True)
    return list(questions)


def answer_values(registration_ids, questions: list[Question]) -> dict[int, dict[int, Any]]:
    """Return {registration id: {question id: value}} in one query."""
    values: dict[int, dict[int, Any]] = {}
    if not questions:
        return values
    rows = Answer.objects.filter(registration_id__in=registration_ids, question__in=questions).values_list(
        "registration_id", "question_id", "value"
    )
    for registration_id, question_id, value in rows:
        values.setdefault(registration_id, {})[question_id] = value
    return values


@dataclass
class Filters:
    status: str = ""
    mode: str = ""
    answers: dict[int, str] = field(default_factory=dict)  # question id -> value, ANSWERED or UNANSWERED

    @property
    def active(self) -> bool:
        return bool(self.status or self.mode or self.answers)


def filters_from(params: Mapping[str, str], questions: list[Question]) -> Filters:
    """Read the filters of the registrations page from its query string; unknown values are ignored."""
    filters = Filters()
    if params.get("status") in Registration.Status.values:
        filters.status = params["status"]
    if params.get("mode") in Registration.Mode.values:
        filters.mode = params["mode"]
    for question in questions:
        value = (params.get(question.field_name) or "").strip()
        if not value or question.builtin == Question.BuiltIn.ATTENDANCE_MODE:
            continue
        allowed = {ANSWERED, UNANSWERED}
        if question.kind in (Question.Kind.CHOICE, Question.Kind.MULTIPLE_CHOICE):
            allowed |= {choice["value"] for choice in question.choices or []}
        elif question.kind == Question.Kind.YES_NO:
            allowed |= {"yes", "no"}
        elif question.kind == Question.Kind.COUNTRY:
            allowed |= {value.upper()} if len(value) == 2 else set()
            value = value.upper() if len(value) == 2 else value
        if value in allowed:
            filters.answers[question.pk] = value
    return filters


def _answer_matches(question: Question, value: str) -> QuerySet[Answer]:
    answers = Answer.objects.filter(question=question, registration=OuterRef("pk"))
    if value == ANSWERED:
        return answers
    if question.kind == Question.Kind.YES_NO:
        return answers.filter(value=(value == "yes"))
    if question.kind == Question.Kind.MULTIPLE_CHOICE:
        if connection.vendor == "postgresql":
            return answers.filter(value__contains=[value])
        # SQLite (make run) has no JSON containment: the meeting's answers to this question are few.
        ids = [a.pk for a in Answer.objects.filter(question=question) if value in (a.value or [])]
        return answers.filter(pk__in=ids)
    return answers.filter(value=value)


def apply_filters(registrations: QuerySet[Registration], filters: Filters, questions: list[Question]):
    if filters.status:
        registrations = registrations.filter(status=filters.status)
    if filters.mode == Registration.Mode.ONLINE:
        registrations = registrations.filter(attendance_mode=Registration.Mode.ONLINE)
    elif filters.mode == Registration.Mode.IN_PERSON:
        registrations = registrations.exclude(attendance_mode=Registration.Mode.ONLINE)
    by_pk = {question.pk: question for question in questions}
    for question_id, value in filters.answers.items():
        question = by_pk[question_id]
        if value == UNANSWERED:
            registrations = registrations.exclude(Exists(_answer_matches(question, ANSWERED)))
        else:
            registrations = registrations.filter(Exists(_answer_matches(question, value)))
    return registrations


def filter_options(questions: list[Question]) -> list[tuple[Question, list[tuple[str, str]]]]:
    """Return each filterable question with its options (value, label) for the filter form."""
    options = []
    for question in questions:
        if question.builtin == Question.BuiltIn.ATTENDANCE_MODE:
            continue
        if question.kind in (Question.Kind.CHOICE, Question.Kind.MULTIPLE_CHOICE):
            values = question.choice_pairs()
        elif question.kind == Question.Kind.YES_NO:
            values = [("yes", _("yes")), ("no", _("no"))]
        else:
            values = []
        options.append((question, [*values, (ANSWERED, _("answered")), (UNANSWERED, _("not answered"))]))
    return options


@dataclass(frozen=True)
class Row:
    registration: Registration
    answers: list[str]  # one cell per question, in the order of the table's questions


def registration_table(meeting: Meeting, filters: Filters | None = None):
    """Return (questions, rows, split) for the registrations page and its exports; a fixed number of queries."""
    from . import selectors
    from .services.registrations import splits_seats

    questions = form_questions(meeting, include_off=True)
    asked = [q for q in questions if q.builtin != Question.BuiltIn.ATTENDANCE_MODE]
    registrations = selectors.registrations_for_organisers(meeting=meeting)
    if filters is not None:
        registrations = apply_filters(registrations, filters, questions)
    registrations = list(registrations)
    values = answer_values([r.pk for r in registrations], asked)
    rows = [
        Row(
            registration,
            [answer_display(question, values.get(registration.pk, {}).get(question.pk)) for question in asked],
        )
        for registration in registrations
    ]
    return asked, rows, splits_seats(meeting)


@dataclass(frozen=True)
class Attendee:
    name: str
    organisation: str
    country: str


def attendee_list(meeting: Meeting, questions: list[Question] | None = None) -> list[Attendee] | None:
    """Return the registered people who agreed to appear in the attendee list; None when the meeting does not ask.

    questions: the meeting's asked questions when the caller has them (asked_questions), saving a query.
    """
    if questions is not None:
        consent = next((q for q in questions if q.builtin == Question.BuiltIn.CONSENT_LIST), None)
    else:
        consent = Question.objects.filter(meeting=meeting, builtin=Question.BuiltIn.CONSENT_LIST, enabled=True).first()
    if consent is None:
        return None
    agreed = Answer.objects.filter(question=consent, registration=OuterRef("pk"), value=True)
    registrations = (
        Registration.objects.filter(meeting=meeting, status=Registration.Status.REGISTERED)
        .filter(Exists(agreed))
        .select_related("user", "user__organization", "organization")
        .order_by("user__full_name", "name", "pk")
    )
    return [
        Attendee(registration.display_name, registration.organisation_label, registration.country_name)
        for registration in registrations
    ]


def seat_counts(meeting: Meeting, split: bool) -> list[dict]:
    """Return, per seat pool, its label, seats taken, limit and people waiting (one pool unless split)."""
    from .services.registrations import _pool, _seat_limit

    pools = [Registration.Mode.IN_PERSON, Registration.Mode.ONLINE] if split else [None]
    counts = []
    for mode in pools:
        pool = _pool(meeting, mode)
        counts.append(
            {
                "mode": mode or "",
                "label": Registration.Mode(mode).label if mode else _("Seats"),
                "taken": pool.seats_taken().count(),
                "limit": _seat_limit(meeting, mode),
                "waiting": pool.waitlisted().count(),
            }
        )
    for count in counts:
        count["left"] = None if count["limit"] is None else max(0, count["limit"] - count["taken"])
    return counts
