"""The organisers' form builder: adding, editing, ordering and removing a meeting's questions.

Rules, written once:
- Every write locks the meeting first, so two organisers editing the form at once keep
  positions dense and a built-in question exists once.
- A custom question's kind, label, help text, requirement, choices and translations are
  the organiser's; a built-in question's kind and choices are fixed (the seat counting,
  exports and the attendee list read them), only its wording, help and requirement change.
- Switching a built-in question off keeps it (and its answers) and stops asking it;
  removing a custom question removes its answers too (the page says so).
- Choice values are stable: editing a choice's label keeps its value, so answers given
  before still mean the same choice.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from members.models import User
from members.text import has_control_characters

from ..models import Meeting, Question, Registration

B = Question.BuiltIn
K = Question.Kind

MAX_CHOICES = 50
MAX_CHOICE_LABEL = 200

DIETARY_CHOICES = [
    ("vegetarian", _("Vegetarian")),
    ("vegan", _("Vegan")),
    ("halal", _("Halal")),
    ("kosher", _("Kosher")),
    ("gluten_free", _("Gluten-free")),
    ("lactose_free", _("Lactose-free")),
]


def _language_choices(meeting: Meeting) -> list[dict]:
    names = dict(settings.LANGUAGES)
    codes = [code for code in (meeting.community.languages or []) if code] or [settings.LANGUAGE_CODE.split("-")[0]]
    return [{"value": code, "label": str(names.get(code, code))} for code in codes]


def builtin_definition(builtin: str, meeting: Meeting) -> dict[str, Any]:
    """Return the fields a built-in question starts with (its kind and choices stay fixed)."""
    definitions = {
        B.ATTENDANCE_MODE: {
            "kind": K.CHOICE,
            "label": _("How will you attend?"),
            "help_text": _("Seats in the room and online are counted separately, each with its own waitlist."),
            "required": True,
            "choices": [
                {"value": Registration.Mode.IN_PERSON, "label": str(Registration.Mode.IN_PERSON.label)},
                {"value": Registration.Mode.ONLINE, "label": str(Registration.Mode.ONLINE.label)},
            ],
        },
        B.INTERPRETATION: {
            "kind": K.CHOICE,
            "label": _("In which language would you like interpretation?"),
            "help_text": "",
            "required": False,
            "choices": _language_choices(meeting),
        },
        B.DIETARY: {
            "kind": K.MULTIPLE_CHOICE,
            "label": _("Dietary needs"),
            "help_text": _("Tick all that apply; leave empty for none."),
            "required": False,
            "choices": [{"value": value, "label": str(label)} for value, label in DIETARY_CHOICES],
        },
        B.ACCESSIBILITY: {
            "kind": K.LONG_TEXT,
            "label": _("Accessibility needs"),
            "help_text": _("Tell the organisers what would help you take part (access, captions, sign language...)."),
            "required": False,
            "choices": [],
        },
        B.CONSENT_LIST: {
            "kind": K.YES_NO,
            "label": _("May your name and organisation appear in the attendee list?"),
            "help_text": _("The list is shown to the other participants of this meeting."),
            "required": False,
            "choices": [],
        },
    }
    definition = dict(definitions[builtin])
    definition["label"] = str(definition["label"])
    definition["help_text"] = str(definition["help_text"])
    return definition


def _lock(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().select_related("community").get(pk=meeting.pk)


def _next_position(meeting: Meeting) -> int:
    return (Question.objects.filter(meeting=meeting).aggregate(last=Max("position"))["last"] or 0) + 1


def _one_line(value: str, field: str, errors: dict, *, limit: int) -> str:
    value = " ".join((value or "").split()) if "\n" not in (value or "") else (value or "").strip()
    if has_control_characters(value) or "\n" in value:
        errors.setdefault(field, []).append(
            ValidationError(_("Write this on one line, without line breaks or control characters."), code="one_line")
        )
    elif len(value) > limit:
        errors.setdefault(field, []).append(
            ValidationError(
                ngettext("Keep this within %(limit)d character.", "Keep this within %(limit)d characters.", limit),
                code="too_long",
                params={"limit": limit},
            )
        )
    return value


def _choice_value(label: str, taken: set[str]) -> str:
    base = slugify(label).replace("-", "_")[:40] or "choice"
    value, number = base, 2
    while value in taken:
        value, number = f"{base}_{number}", number + 1
    return value


def clean_choices(
    labels: Iterable[str], translated: Mapping[str, Iterable[str]], *, previous: list[dict], errors: dict
) -> list[dict]:
    """Return the choices from their labels (one per line) and translations (same order), keeping known values."""
    labels = [" ".join(label.split()) for label in labels if label and label.strip()]
    if len(labels) < 2:
        errors.setdefault("choices", []).append(
            ValidationError(_("Give at least two choices, one per line."), code="too_few_choices")
        )
        return []
    if len(labels) > MAX_CHOICES:
        errors.setdefault("choices", []).append(
            ValidationError(
                _("Give at most %(limit)d choices."), code="too_many_choices", params={"limit": MAX_CHOICES}
            )
        )
        return []
    if len({label.casefold() for label in labels}) != len(labels):
        errors.setdefault("choices", []).append(
            ValidationError(_("Each choice must be different."), code="duplicate_choices")
        )
        return []
    if any(len(label) > MAX_CHOICE_LABEL or has_control_characters(label) for label in labels):
        errors.setdefault("choices", []).append(
            ValidationError(
                _("Keep each choice on one line, within %(limit)d characters."),
                code="choice_too_long",
                params={"limit": MAX_CHOICE_LABEL},
            )
        )
        return []
    known = {choice["label"].casefold(): choice["value"] for choice in previous}
    kept_labels = {label.casefold() for label in labels}
    # A choice whose label is gone but whose place is taken by a new label was renamed: it keeps its value.
    renamed = {
        index: choice["value"] for index, choice in enumerate(previous) if choice["label"].casefold() not in kept_labels
    }
    taken = {known[label.casefold()] for label in labels if label.casefold() in known}
    choices = []
    for index, label in enumerate(labels):
        value = known.get(label.casefold())
        if value is None:
            value = renamed.get(index)
            if value is None or value in taken:
                value = _choice_value(label, taken | {choice["value"] for choice in previous})
            taken.add(value)
        choices.append({"value": value, "label": label, "labels": {}})
    for language, lines in translated.items():
        lines = [" ".join(line.split()) for line in lines if line and line.strip()]
        if not lines:
            continue
        if len(lines) != len(choices):
            errors.setdefault(f"choices_{language}", []).append(
                ValidationError(
                    _("Give one translation per choice, in the same order (%(count)d lines)."),
                    code="choice_translation_count",
                    params={"count": len(choices)},
                )
            )
            continue
        for choice, line in zip(choices, lines, strict=True):
            choice["labels"][language] = line[:MAX_CHOICE_LABEL]
    return choices


def _clean(question: Question, fields: Mapping[str, Any], languages: list[str]) -> None:
    """Copy fields onto question, checked; raise ValidationError keyed by field when something is wrong."""
    errors: dict[str, list] = {}
    builtin = bool(question.builtin)
    if not builtin and "kind" in fields:
        if fields["kind"] not in K.values:
            errors.setdefault("kind", []).append(ValidationError(_("Choose a kind of answer."), code="kind"))
        else:
            question.kind = fields["kind"]
    label = _one_line(fields.get("label", question.label), "label", errors, limit=300)
    if not label:
        errors.setdefault("label", []).append(ValidationError(_("Write the question."), code="required"))
    question.label = label
    question.help_text = _one_line(fields.get("help_text", question.help_text), "help_text", errors, limit=500)
    question.required = bool(fields.get("required", question.required))
    if question.builtin == B.ATTENDANCE_MODE:
        question.required = True  # seats are counted by mode: everyone must give one
    translations = {}
    for language in languages:
        entry = {}
        for name, limit in (("label", 300), ("help_text", 500)):
            text = _one_line(fields.get(f"{name}_{language}", ""), f"{name}_{language}", errors, limit=limit)
            if text:
                entry[name] = text
        if entry:
            translations[language] = entry
    question.translations = translations
    if not builtin:
        if question.kind in Question.CHOICE_KINDS:
            question.choices = clean_choices(
                re.split(r"\r?\n", fields.get("choices", "") or ""),
                {language: re.split(r"\r?\n", fields.get(f"choices_{language}", "") or "") for language in languages},
                previous=question.choices or [],
                errors=errors,
            )
        else:
            question.choices = []
    if errors:
        raise ValidationError(errors)


def form_languages(meeting: Meeting) -> list[str]:
    """Return the community's languages other than the one labels are written in (they get translations)."""
    return [code for code in (meeting.community.languages or []) if code and code != "en"]


@transaction.atomic
def question_add(*, meeting: Meeting, by: User | None, fields: Mapping[str, Any]) -> Question:
    """Add a custom question at the end of meeting's form."""
    meeting = _lock(meeting)
    question = Question(meeting=meeting, position=_next_position(meeting))
    _clean(question, fields, form_languages(meeting))
    question.save()
    return question


@transaction.atomic
def question_update(*, question: Question, by: User | None, fields: Mapping[str, Any]) -> Question:
    """Change a question's wording, help, requirement, choices and translations (a built-in's kind stays)."""
    meeting = _lock(question.meeting)
    question = Question.objects.select_for_update().get(pk=question.pk, meeting=meeting)
    kind_before, choices_before = question.kind, [c["value"] for c in question.choices or []]
    _clean(question, fields, form_languages(meeting))
    question.save()
    if question.kind != kind_before:
        # Answers of another shape would no longer read; the page warns before a kind changes.
        question.answers.all().delete()
    elif question.kind in Question.CHOICE_KINDS:
        _drop_removed_choices(question, set(choices_before) - {c["value"] for c in question.choices})
    return question


def _drop_removed_choices(question: Question, removed: set[str]) -> None:
    if not removed:
        return
    for answer in question.answers.select_for_update():
        if question.kind == K.CHOICE and answer.value in removed:
            answer.delete()
        elif question.kind == K.MULTIPLE_CHOICE and isinstance(answer.value, list):
            kept = [value for value in answer.value if value not in removed]
            if not kept:
                answer.delete()
            elif kept != answer.value:
                answer.value = kept
                answer.save(update_fields=["value", "updated_at"])


@transaction.atomic
def question_move(*, question: Question, by: User | None, direction: str) -> Question:
    """Move a question one place up or down the form; at either end nothing changes."""
    meeting = _lock(question.meeting)
    ordered = list(Question.objects.filter(meeting=meeting).order_by("position", "pk"))
    index = next(i for i, item in enumerate(ordered) if item.pk == question.pk)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(ordered):
        ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, item in enumerate(ordered, start=1):
        if item.position != position:
            item.position = position
            item.save(update_fields=["position", "updated_at"])
    return next(item for item in ordered if item.pk == question.pk)


@transaction.atomic
def question_delete(*, question: Question, by: User | None) -> None:
    """Remove a custom question and its answers; a built-in question is switched off instead."""
    meeting = _lock(question.meeting)
    question = Question.objects.filter(pk=question.pk, meeting=meeting).first()
    if question is None:
        return  # removed already: a double submit changes nothing
    if question.builtin:
        question.enabled = False
        question.save(update_fields=["enabled", "updated_at"])
        return
    question.delete()


@transaction.atomic
def question_builtin_switch(*, meeting: Meeting, by: User | None, builtin: str, on: bool) -> Question | None:
    """Switch a built-in question on (created the first time, at the end) or off (kept with its answers)."""
    if builtin not in B.values:
        raise ValidationError({"builtin": _("Choose a built-in question from the list.")}, code="unknown_builtin")
    meeting = _lock(meeting)
    if builtin == B.ATTENDANCE_MODE and on and meeting.format != Meeting.Format.HYBRID:
        raise ValidationError(
            {"builtin": _("Only a hybrid meeting asks how people attend: change the format first.")},
            code="not_hybrid",
        )
    question = Question.objects.select_for_update().filter(meeting=meeting, builtin=builtin).first()
    if question is None:
        if not on:
            return None
        definition = builtin_definition(builtin, meeting)
        return Question.objects.create(
            meeting=meeting, builtin=builtin, position=_next_position(meeting), enabled=True, **definition
        )
    if question.enabled != on:
        question.enabled = on
        question.save(update_fields=["enabled", "updated_at"])
    return question
