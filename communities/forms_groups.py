"""Forms of the console's Groups pages: a group's fields, naming a facilitator, moving a group."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from members.models import Organization

from .models import Group, JoinPolicy
from .theme_fields import ThemesField, theme_suggestions


class GroupForm(forms.Form):
    """A group's fields; a facilitator gets only the ones they may change (permissions.group_editable_fields)."""

    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Group.Kind.choices)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What the group does and who it is for."),
    )
    language = forms.ChoiceField(
        label=_("Written in"),
        choices=[("", _("The community's default language")), *settings.LANGUAGES],
        required=False,
        help_text=_("The language of the name and description; readers see it marked, or a translation."),
    )
    join_policy = forms.ChoiceField(label=_("How people join"), choices=JoinPolicy.choices)
    visibility = forms.ChoiceField(label=_("Who sees the group"), choices=Group.Visibility.choices)
    eligible_organization_kinds = forms.MultipleChoiceField(
        label=_("Reserved to these kinds of organisation"),
        choices=Organization.Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave every box empty to let anyone in the community join."),
    )
    themes = ThemesField()

    def __init__(self, *args, editable: frozenset[str], community=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name not in editable:
                del self.fields[name]
        if "language" in self.fields and not self.is_bound and "language" not in self.initial:
            self.initial["language"] = (get_language() or "").split("-")[0]  # the author's interface language
        if "themes" in self.fields and community is not None:
            self.fields["themes"].set_suggestions(theme_suggestions(community))

    @staticmethod
    def initial_for(group: Group) -> dict:
        return {
            "name": group.name,
            "kind": group.kind,
            "description": group.description,
            "language": group.language,
            "join_policy": group.join_policy,
            "visibility": group.visibility,
            "eligible_organization_kinds": list(group.eligible_organization_kinds or []),
            "themes": sorted((tag.name for tag in group.themes.all()), key=str.casefold),
        }

    def service_fields(self) -> dict:
        """Return the cleaned values as keyword arguments of group_create / group_update."""
        return dict(self.cleaned_data)


class FacilitatorForm(forms.Form):
    user = forms.ModelChoiceField(
        label=_("Active member of the community"),
        queryset=get_user_model().objects.none(),
        empty_label=None,
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = candidates
        self.fields["user"].label_from_instance = lambda person: f"{person.get_full_name()} <{person.email}>"


class MoveForm(forms.Form):
    position = forms.IntegerField(label=_("Position"), min_value=1, max_value=100_000)
