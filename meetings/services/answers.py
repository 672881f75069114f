"""Answers to a meeting's registration form: checking them, saving them, and when they may change.

answers_clean is pure (questions and submitted values in, clean values or a ValidationError
keyed by each question's field name out), so registrations and applications check answers
the same way. A value's shape follows the question's kind: text for short and long text, a
choice value for one choice, a list of choice values (in the form's order) for several, a
boolean for yes/no, a number (int or float) for a number, an ISO country code for a country.
An optional question left empty has no answer row.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_countries import countries

from members.text import has_control_characters

from ..models import Answer, Meeting, Question, Registration

K = Question.Kind
SHORT_TEXT_LIMIT = 300
LONG_TEXT_LIMIT = 5000
NUMBER_LIMIT = Decimal("1e12")
YES = {"yes", "true", "1", "on"}
NO = {"no", "false", "0", "off"}


def _empty(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple):
        return not [item for item in value if str(item).strip()]
    return False


def _too_long(limit: int) -> ValidationError:
    return ValidationError(
        ngettext("Keep the answer within %(limit)d character.", "Keep the answer within %(limit)d characters.", limit),
        code="too_long",
        params={"limit": limit},
    )


def _clean_one(question: Question, value: Any) -> Any:
    """Return the clean value of one non-empty answer, or raise ValidationError with a message for the person."""
    kind = question.kind
    if kind in (K.SHORT_TEXT, K.LONG_TEXT):
        text = str(value).strip()
        limit = SHORT_TEXT_LIMIT if kind == K.SHORT_TEXT else LONG_TEXT_LIMIT
        if kind == K.SHORT_TEXT and ("\n" in text or has_control_characters(text)):
            raise ValidationError(_("Write this answer on one line."), code="one_line")
        if len(text) > limit:
            raise _too_long(limit)
        return text
    values = [choice["value"] for choice in question.choices or []]
    if kind == K.CHOICE:
        if isinstance(value, list | tuple) or str(value) not in values:
            raise ValidationError(_("Choose one of the options given."), code="invalid_choice")
        return str(value)
    if kind == K.MULTIPLE_CHOICE:
        chosen = [str(item) for item in (value if isinstance(value, list | tuple) else [value]) if str(item).strip()]
        if any(item not in values for item in chosen):
            raise ValidationError(_("Choose among the options given."), code="invalid_choice")
        return [item for item in values if item in chosen]  # the form's order, each once
    if kind == K.YES_NO:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in YES:
            return True
        if text in NO:
            return False
        raise ValidationError(_("Answer yes or no."), code="invalid_yes_no")
    if kind == K.NUMBER:
        try:
            number = Decimal(str(value).strip().replace(",", ".")) if not isinstance(value, bool) else None
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite() or abs(number) >= NUMBER_LIMIT:
            raise ValidationError(_("Enter a number, such as 3 or 2.5."), code="invalid_number")
        return int(number) if number == number.to_integral_value() else float(number)
    if kind == K.COUNTRY:
        code = str(value).strip().upper()
        if code not in dict(countries):
            raise ValidationError(_("Choose a country from the list."), code="invalid_country")
        return code
    raise ValidationError(_("This question cannot be answered."), code="unknown_kind")


def answers_clean(questions: Iterable[Question], data: Mapping[str, Any]) -> dict[int, Any]:
    """Return {question id: clean value or None (left empty)} for questions from data keyed by field name.

    Raise ValidationError keyed by field name with every problem at once; nothing is half-checked.
    """
    cleaned: dict[int, Any] = {}
    errors: dict[str, list] = {}
    for question in questions:
        value = data.get(question.field_name)
        if _empty(value):
            if question.required:
                errors[question.field_name] = [ValidationError(_("This question needs an answer."), code="required")]
            cleaned[question.pk] = None
            continue
        try:
            cleaned[question.pk] = _clean_one(question, value)
        except ValidationError as error:
            errors[question.field_name] = [error]
    if errors:
        raise ValidationError(errors)
    return cleaned


def asked_questions(meeting: Meeting) -> list[Question]:
    """Return the questions meeting asks now, in order (the attendance mode only for a hybrid meeting)."""
    questions = Question.objects.filter(meeting=meeting, enabled=True).order_by("position", "pk")
    return [
        question
        for question in questions
        if question.builtin != Question.BuiltIn.ATTENDANCE_MODE or meeting.format == Meeting.Format.HYBRID
    ]


def answers_save(*, registration: Registration, questions: Iterable[Question], cleaned: Mapping[int, Any]) -> None:
    """Write the answers of registration (the attendance mode lives on the registration, not here)."""
    existing = {answer.question_id: answer for answer in Answer.objects.filter(registration=registration)}
    for question in questions:
        if question.builtin == Question.BuiltIn.ATTENDANCE_MODE or question.pk not in cleaned:
            continue
        value = cleaned[question.pk]
        answer = existing.get(question.pk)
        if value is None:
            if answer is not None:
                answer.delete()
        elif answer is None:
            Answer.objects.create(registration=registration, question=question, value=value)
        elif answer.value != value:
            answer.value = value
            answer.save(update_fields=["value", "updated_at"])


def answers_deadline(meeting: Meeting):
    """Return the moment after which answers can no longer change: the registration deadline, else the start."""
    return meeting.registration_deadline or meeting.start


def answers_locked_reason(meeting: Meeting) -> str | None:
    """Return why answers can no longer be changed (for the person), or None while they may."""
    if meeting.status == Meeting.Status.CANCELLED:
        return str(_("This meeting was cancelled."))
    deadline = answers_deadline(meeting)
    if deadline <= timezone.now():
        with timezone.override(meeting.zone):
            when = formats.date_format(timezone.localtime(deadline), "DATETIME_FORMAT")
        return str(
            _("Answers could be changed until %(date)s (%(zone)s); they are now read-only.")
            % {"date": when, "zone": meeting.time_zone}
        )
    return None


def answer_display(question: Question, value: Any) -> str:
    """Return an answer as words, in the reader's language (pages and exports)."""
    if value is None or value == "" or value == []:
        return ""
    if question.kind == K.CHOICE:
        return question.choice_label(value)
    if question.kind == K.MULTIPLE_CHOICE:
        return "; ".join(question.choice_label(item) for item in value)
    if question.kind == K.YES_NO:
        return str(_("yes")) if value else str(_("no"))
    if question.kind == K.COUNTRY:
        return str(countries.name(value)) or str(value)
    return str(value)
