"""Forms of applications: the organisers' setup (criteria, quotas, reviewers), scores, and the decision.

They collect what is typed; the services (meetings.services.applications, .application_reviews,
.selection) check it, so every caller applies the same rules and messages.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from members.models import Organization

from .models import Criterion, Quota

TOP, SELECTED = "top", "selected"


class ApplicationSetupForm(forms.Form):
    confirm_within_days = forms.IntegerField(
        label=_("Days accepted people have to confirm"),
        min_value=1,
        max_value=365,
        required=False,
        help_text=_("Leave empty if accepted people need not confirm. Unconfirmed places go to the waitlist."),
    )
    disagreement_threshold = forms.DecimalField(
        label=_("Flag disagreement above (points out of 100)"),
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        decimal_places=1,
        initial=Decimal("25"),
    )


class CriterionForm(forms.Form):
    name = forms.CharField(label=_("Criterion"), max_length=200)
    description = forms.CharField(label=_("What reviewers look for"), max_length=500, required=False)
    weight = forms.IntegerField(label=_("Weight"), min_value=1, max_value=100, initial=1)
    scale_max = forms.IntegerField(label=_("Highest score"), min_value=1, max_value=100, initial=5)


class QuotaForm(forms.Form):
    kind = forms.ChoiceField(label=_("Quota on"), choices=Quota.Kind.choices)
    country = forms.ChoiceField(label=_("Country"), required=False)
    partner_role = forms.ChoiceField(label=_("Partner role"), required=False)
    organisation_kind = forms.ChoiceField(label=_("Kind of organisation"), required=False)
    limit = forms.IntegerField(label=_("At most (people accepted)"), min_value=0, max_value=100000)

    def __init__(self, *args, partner_roles, **kwargs):
        super().__init__(*args, **kwargs)
        empty = [("", "—")]
        self.fields["country"].choices = empty + list(countries)
        self.fields["partner_role"].choices = empty + [(str(role.pk), role.name) for role in partner_roles]
        self.fields["organisation_kind"].choices = empty + list(Organization.Kind.choices)

    def value(self) -> str:
        return self.cleaned_data.get(self.cleaned_data["kind"]) or ""


class ReviewerForm(forms.Form):
    email = forms.EmailField(label=_("Email address of the member"))


class ScoreForm(forms.Form):
    """One field per criterion (c<id>), from 0 to the criterion's highest score, and a comment."""

    def __init__(self, *args, criteria: list[Criterion], **kwargs):
        super().__init__(*args, **kwargs)
        for criterion in criteria:
            self.fields[f"c{criterion.pk}"] = forms.TypedChoiceField(
                label=_("%(name)s (weight %(weight)d)") % {"name": criterion.name, "weight": criterion.weight},
                help_text=criterion.description,
                choices=[("", "—")] + [(str(value), str(value)) for value in range(criterion.scale_max + 1)],
                coerce=int,
            )
        self.fields["comment"] = forms.CharField(
            label=_("Comment for the other reviewers"), required=False, widget=forms.Textarea(attrs={"rows": 3})
        )
        self.criteria = criteria

    def scores(self) -> dict[int, int]:
        return {criterion.pk: self.cleaned_data[f"c{criterion.pk}"] for criterion in self.criteria}


class DecideForm(forms.Form):
    mode = forms.ChoiceField(
        label=_("Decide"),
        choices=[(TOP, _("Accept the best-ranked applications")), (SELECTED, _("Apply one action to those selected"))],
        widget=forms.RadioSelect,
        initial=TOP,
    )
    top = forms.IntegerField(label=_("How many to accept"), min_value=0, max_value=100000, required=False)
    rest = forms.ChoiceField(
        label=_("The others"),
        choices=[
            ("waitlist", _("Put them on the waitlist")),
            ("reject", _("Reject them")),
            ("keep", _("Leave them under review")),
        ],
        initial="waitlist",
    )
    action = forms.ChoiceField(
        label=_("Action for those selected"),
        choices=[("accept", _("Accept")), ("waitlist", _("Waitlist")), ("reject", _("Reject"))],
        initial="accept",
    )
    selected = forms.TypedMultipleChoiceField(
        label=_("Applications"), required=False, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    digest = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["selected"].choices = [(c.registration.pk, c.registration.display_name) for c in candidates]

    def plan_args(self) -> dict:
        data = self.cleaned_data
        if data["mode"] == TOP:
            return {"mode": TOP, "top": data.get("top"), "rest": data["rest"]}
        return {"mode": SELECTED, "selected_ids": data.get("selected") or [], "action": data["action"]}
