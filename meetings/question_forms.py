"""Forms of registration questions: the organisers' question editor and the registrant's answers.

Both only collect what is typed; the services check it (meetings.services.questions and
.answers) so the web pages, the admin and any later caller apply the same rules and messages.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from .models import Question

REQUIRED_ANSWER = _("This question needs an answer.")
YES_NO_CHOICES = [("yes", _("Yes")), ("no", _("No"))]


def _language_name(code: str) -> str:
    return str(dict(settings.LANGUAGES).get(code, code))


class QuestionForm(forms.Form):
    """A question of the form builder; a built-in question offers its wording, help and requirement only."""

    kind = forms.ChoiceField(label=_("Kind of answer"), choices=Question.Kind.choices)
    label = forms.CharField(label=_("Question"), max_length=300)
    help_text = forms.CharField(label=_("Help text"), max_length=500, required=False)
    required = forms.BooleanField(label=_("An answer is required"), required=False)
    choices = forms.CharField(
        label=_("Choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For one choice or several choices: one per line."),
    )

    def __init__(self, *args, languages: list[str], builtin: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.languages = languages
        if builtin:
            del self.fields["kind"]
            del self.fields["choices"]
        if builtin == Question.BuiltIn.ATTENDANCE_MODE:
            del self.fields["required"]  # always required: seats are counted by mode
        for code in languages:
            name = _language_name(code)
            self.fields[f"label_{code}"] = forms.CharField(
                label=_("Question in %(language)s") % {"language": name}, max_length=300, required=False
            )
            self.fields[f"help_text_{code}"] = forms.CharField(
                label=_("Help text in %(language)s") % {"language": name}, max_length=500, required=False
            )
            if not builtin:
                self.fields[f"choices_{code}"] = forms.CharField(
                    label=_("Choices in %(language)s") % {"language": name},
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 4}),
                    help_text=_("Same order as above, one per line; leave empty to show the choices as written."),
                )

    @classmethod
    def initial_from(cls, question: Question, languages: list[str]) -> dict:
        initial = {
            "kind": question.kind,
            "label": question.label,
            "help_text": question.help_text,
            "required": question.required,
            "choices": "\n".join(choice["label"] for choice in question.choices or []),
        }
        for code in languages:
            entry = (question.translations or {}).get(code) or {}
            initial[f"label_{code}"] = entry.get("label", "")
            initial[f"help_text_{code}"] = entry.get("help_text", "")
            initial[f"choices_{code}"] = "\n".join(
                (choice.get("labels") or {}).get(code, "") for choice in question.choices or []
            ).strip()
        return initial


class BuiltinForm(forms.Form):
    builtin = forms.ChoiceField(choices=Question.BuiltIn.choices)
    on = forms.BooleanField(required=False)


class AnswersForm(forms.Form):
    """The questions of a meeting as fields named after each question (q<id>), in its language."""

    def __init__(self, *args, questions: list[Question], disabled: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            field = self._field(question)
            field.label = question.display_label
            field.help_text = question.display_help_text
            field.required = question.required
            field.disabled = disabled
            field.error_messages["required"] = REQUIRED_ANSWER
            self.fields[question.field_name] = field

    @staticmethod
    def _field(question: Question) -> forms.Field:
        kind = question.kind
        K = Question.Kind
        if kind == K.LONG_TEXT:
            return forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
        if kind == K.CHOICE:
            return forms.CharField(widget=forms.RadioSelect(choices=question.choice_pairs()))
        if kind == K.MULTIPLE_CHOICE:
            return forms.Field(widget=forms.CheckboxSelectMultiple(choices=question.choice_pairs()))
        if kind == K.YES_NO:
            return forms.CharField(widget=forms.RadioSelect(choices=YES_NO_CHOICES))
        if kind == K.NUMBER:
            return forms.CharField(widget=forms.TextInput(attrs={"inputmode": "decimal"}))
        if kind == K.COUNTRY:
            return forms.CharField(widget=forms.Select(choices=[("", "—"), *countries]))
        return forms.CharField(max_length=None)

    @staticmethod
    def initial_from(questions: list[Question], answers: dict[int, object], attendance_mode: str) -> dict:
        """Return the form's initial values from stored answers ({question id: value})."""
        initial = {}
        for question in questions:
            if question.builtin == Question.BuiltIn.ATTENDANCE_MODE:
                value = attendance_mode
            else:
                value = answers.get(question.pk)
            if question.kind == Question.Kind.YES_NO and isinstance(value, bool):
                value = "yes" if value else "no"
            if value is not None and value != "":
                initial[question.field_name] = value
        return initial

    def answers(self) -> dict:
        """Return what was typed, keyed by field name, for the services to check."""
        return {name: self.cleaned_data.get(name) for name in self.fields}
