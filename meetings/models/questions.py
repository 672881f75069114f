"""Registration forms: the questions a meeting asks the people who register, and their answers.

A meeting's form is its list of questions in order. Built-in questions (attendance mode,
interpretation language, dietary and accessibility needs, consent to appear in the attendee
list) are rows like the others, keyed by `builtin`, created when an organiser switches them
on and kept (switched off) when switched off, so answers already given survive. Answers are
one row per (registration, question) holding a JSON value (text, a choice value, a list of
choice values, a boolean, a number or a country code): rows filter and export by question
without parsing a document, and a question's removal takes its answers with it.

The attendance mode is the exception: it decides which seats a registration takes, so it is
stored on the registration itself (Registration.attendance_mode), where the seat counting and
the waitlist read it under the meeting's lock.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .meetings import Meeting
from .registrations import Registration


class Question(models.Model):
    """One question of a meeting's registration (or application) form."""

    class Kind(models.TextChoices):
        SHORT_TEXT = "short_text", _("Short text")
        LONG_TEXT = "long_text", _("Long text")
        CHOICE = "choice", _("One choice")
        MULTIPLE_CHOICE = "multiple_choice", _("Several choices")
        YES_NO = "yes_no", _("Yes or no")
        NUMBER = "number", _("Number")
        COUNTRY = "country", _("Country")

    class BuiltIn(models.TextChoices):
        ATTENDANCE_MODE = "attendance_mode", _("Attendance mode (hybrid meetings)")
        INTERPRETATION = "interpretation", _("Interpretation language")
        DIETARY = "dietary", _("Dietary needs")
        ACCESSIBILITY = "accessibility", _("Accessibility needs")
        CONSENT_LIST = "consent_list", _("Consent to appear in the attendee list")

    CHOICE_KINDS = (Kind.CHOICE, Kind.MULTIPLE_CHOICE)

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="questions")
    builtin = models.CharField(_("built-in question"), max_length=32, choices=BuiltIn.choices, blank=True)
    kind = models.CharField(_("kind of answer"), max_length=32, choices=Kind.choices, default=Kind.SHORT_TEXT)
    label = models.CharField(_("question"), max_length=300)
    help_text = models.CharField(_("help text"), max_length=500, blank=True)
    required = models.BooleanField(_("required"), default=False)
    # [{"value": "vegan", "label": "Vegan", "labels": {"it": "Vegano"}}, ...] for the choice kinds.
    choices = models.JSONField(_("choices"), default=list, blank=True)
    # {"it": {"label": "...", "help_text": "..."}, "ar": {...}}: the question in the community's other languages.
    translations = models.JSONField(_("translations"), default=dict, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    enabled = models.BooleanField(_("asked"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["meeting", "position", "pk"]
        verbose_name = _("registration question")
        verbose_name_plural = _("registration questions")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "builtin"], condition=~Q(builtin=""), name="question_builtin_once_per_meeting"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def field_name(self) -> str:
        """Return the name of this question's field in the forms (stable: the question's id)."""
        return f"q{self.pk}"

    def _translated(self, name: str) -> str:
        language = (get_language() or "").split("-")[0]
        text = (self.translations.get(language) or {}).get(name) if isinstance(self.translations, dict) else None
        return text or getattr(self, name)

    @property
    def display_label(self) -> str:
        """Return the label in the reader's language when the organisers gave one, else the label as written."""
        return self._translated("label")

    @property
    def display_help_text(self) -> str:
        return self._translated("help_text")

    def choice_pairs(self) -> list[tuple[str, str]]:
        """Return (value, label in the reader's language) of each choice."""
        language = (get_language() or "").split("-")[0]
        return [
            (choice["value"], (choice.get("labels") or {}).get(language) or choice["label"])
            for choice in self.choices or []
        ]

    def choice_label(self, value: str) -> str:
        return dict(self.choice_pairs()).get(value, value)


class Answer(models.Model):
    """A registrant's answer to one question; its value is JSON shaped by the question's kind."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    value = models.JSONField(_("answer"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["registration", "question__position", "question_id"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["registration", "question"], name="answer_one_per_question"),
        ]
        indexes = [models.Index(fields=["question", "registration"])]

    def __str__(self) -> str:
        return f"{self.question}: {self.value}"
