"""Forms of the console's Organisations page: verify a proposal (correcting its kind), merge it into a listed one."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from members import organisations
from members.models import Organization


class OrganisationVerifyForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=Organization.Kind.choices,
        help_text=_("Correct it if the person chose the wrong kind."),
    )


class OrganisationTargetField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return organisations.label(obj)


class OrganisationMergeForm(forms.Form):
    """The listed organisation to merge a proposal into: typed by name, or picked among the matches."""

    into_search = forms.CharField(label=_("Listed organisation"), required=False, max_length=200)
    into = OrganisationTargetField(
        queryset=Organization.objects.none(),
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose an organisation from the list.")},
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = candidates
        self.candidates = candidates
        self.suggestions: list[Organization] = []
        self.more_suggestions = False

    def clean(self):
        cleaned = super().clean()
        if self.has_error("into") or cleaned.get("into") is not None:
            return cleaned
        text = cleaned.get("into_search", "")
        found = organisations.search(self.candidates, text)
        if found.chosen is not None:
            cleaned["into"] = found.chosen
        elif not found.text:
            self.add_error(
                "into_search", forms.ValidationError(_("Type the name of a listed organisation."), code="required")
            )
        elif found.suggestions:
            self.suggestions, self.more_suggestions = found.suggestions, found.more
            self.add_error(
                "into_search",
                forms.ValidationError(
                    _("More than one organisation matches “%(text)s”: choose one below."),
                    code="choose",
                    params={"text": found.text},
                ),
            )
        else:
            self.add_error(
                "into_search",
                forms.ValidationError(
                    _("No listed organisation matches “%(text)s”."), code="not_found", params={"text": found.text}
                ),
            )
        return cleaned
