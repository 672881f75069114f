"""Forms of the console's partners area: organisation search, adding and editing a partner, names and places."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from .models import DimensionValue, PartnerRole


class OrganisationSearchForm(forms.Form):
    """Search organisations by name, city and country (a GET form: the results are computed on the server)."""

    q = forms.CharField(label=_("Name"), max_length=200, required=False)
    city = forms.CharField(label=_("City"), max_length=120, required=False)
    country = forms.ChoiceField(label=_("Country"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", _("Any country")), *countries]

    def criteria(self) -> dict[str, str]:
        """Return the criteria given (stripped), or {} when the form is empty or invalid."""
        if not self.is_valid():
            return {}
        return {key: value.strip() for key, value in self.cleaned_data.items() if value and value.strip()}


def _role_field(community) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=_("Partner role"),
        queryset=PartnerRole.objects.filter(community=community).order_by("order", "name"),
        empty_label=None,
        error_messages={"invalid_choice": _("Choose a partner role of this community.")},
    )


class PartnerAddForm(forms.Form):
    """Add one organisation (from the search results offered) under a role."""

    organization = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=None,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("Choose an organisation from the search results.")},
    )

    def __init__(self, *args, community, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organisations
        self.fields["role"] = _role_field(community)


class LabelChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.dimension.name}: {obj.name}"


class PartnershipForm(forms.Form):
    """A partnership's role, reporting labels, start date and notes."""

    dimension_values = LabelChoiceField(
        label=_("Reporting labels"),
        queryset=DimensionValue.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose reporting labels of this community.")},
    )
    since = forms.DateField(label=_("Partner since"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    notes = forms.CharField(label=_("Notes"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"] = _role_field(community)
        self.order_fields(["role", "dimension_values", "since", "notes"])
        self.fields["dimension_values"].queryset = (
            DimensionValue.objects.filter(dimension__community=community)
            .select_related("dimension")
            .order_by("dimension__order", "dimension__name", "order", "name")
        )


class NameForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, error_messages={"required": _("Give a name.")})


class PositionForm(forms.Form):
    position = forms.IntegerField(
        label=_("Position"),
        min_value=1,
        max_value=10000,
        error_messages={"required": _("Choose a position."), "invalid": _("Choose a position.")},
    )
