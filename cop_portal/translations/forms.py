"""The translation form: the original beside each field, one field per translatable text."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from meetings.models import AgendaItemTranslation
from members.models import User

LABELS = {
    "name": _("Name"),
    "tagline": _("Tagline"),
    "description": _("Description"),
    "title": _("Title"),
    "body": _("Message"),
    "notes": _("Notes"),
}
LONG = {"description", "body", "notes"}


class TranslationForm(forms.Form):
    """Translate obj's texts (and a meeting's agenda items) into one language."""

    def __init__(self, *args, obj, translation=None, agenda=(), agenda_translations=None, language: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.obj, self.language = obj, language
        model = obj.translations.model
        self.text_names = list(model.TEXT_FIELDS.values())
        for translated_name, name in model.TEXT_FIELDS.items():
            original = getattr(obj, name)
            field_class = forms.CharField
            widget = forms.Textarea(attrs={"rows": 6}) if name in LONG else forms.TextInput()
            widget.attrs.update({"lang": language, "dir": "auto"})
            self.fields[name] = field_class(
                label=LABELS.get(name, name),
                # The translation's column bounds it as the original's does (a form error, never a 500).
                max_length=model._meta.get_field(translated_name).max_length,
                required=name == self.text_names[0],
                widget=widget,
                initial=getattr(translation, translated_name, "") if translation else "",
                help_text=original,
            )
        self.agenda = list(agenda)
        agenda_translations = agenda_translations or {}
        agenda_labels = {
            "title": _("Agenda point: %(title)s"),
            "notes": _("Notes on the agenda point: %(title)s"),
        }
        for item in self.agenda:
            existing = agenda_translations.get(item.pk)
            # Every text of the point a page reads (AgendaItemTranslation.TEXT_FIELDS: title, notes).
            for translated_name, name in AgendaItemTranslation.TEXT_FIELDS.items():
                widget = forms.Textarea(attrs={"rows": 3}) if name in LONG else forms.TextInput()
                widget.attrs.update({"lang": language, "dir": "auto"})
                self.fields[f"agenda_{item.pk}_{name}"] = forms.CharField(
                    label=agenda_labels.get(name, agenda_labels["title"]) % {"title": item.title},
                    max_length=AgendaItemTranslation._meta.get_field(translated_name).max_length,
                    required=False,
                    initial=getattr(existing, translated_name, "") if existing else "",
                    widget=widget,
                    help_text=getattr(item, name) if name != "title" else "",
                )

    def clean(self):
        cleaned = super().clean()
        for item in self.agenda:
            title, notes = f"agenda_{item.pk}_title", f"agenda_{item.pk}_notes"
            if (cleaned.get(notes) or "").strip() and not (cleaned.get(title) or "").strip():
                self.add_error(title, _("Translate the title of this agenda point too: its notes need it."))
        return cleaned

    def texts(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(name, "") for name in self.text_names}

    def agenda_texts(self) -> dict[int, dict[str, str]]:
        return {
            item.pk: {
                name: self.cleaned_data.get(f"agenda_{item.pk}_{name}", "")
                for name in AgendaItemTranslation.TEXT_FIELDS.values()
            }
            for item in self.agenda
        }


class AskForm(forms.Form):
    """Ask one member to translate one piece of content into one language (from the list of missing ones)."""

    item = forms.ChoiceField(label=_("What to translate"))
    member = forms.ModelChoiceField(queryset=User.objects.none(), label=_("Whom to ask"))

    def __init__(self, *args, missing, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [
            (f"{row.kind}:{row.obj.pk}:{row.language}", f"{row.kind_label}: {row.title} → {row.language_name}")
            for row in missing
        ]
        self.fields["member"].queryset = members
        self.fields["member"].label_from_instance = lambda user: user.get_full_name() or user.email

    def target(self) -> tuple[str, int, str]:
        kind, object_id, language = self.cleaned_data["item"].split(":")
        return kind, int(object_id), language
