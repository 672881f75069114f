"""Forms of series and bulk pages: extending a series, choosing who to invite or register, the signed confirm."""

from __future__ import annotations

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from communities.models import Group, PartnerRole
from members.models import Organization

from .services.bulk import INVITE, REGISTER, Criteria

CONFIRM_SALT = "meetings.bulk.confirm"
CONFIRM_MAX_AGE = 3600  # seconds: a preview older than an hour is planned again


class SeriesExtendForm(forms.Form):
    until = forms.DateField(
        label=_("Repeat until"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("New meetings are added up to this day, at the same local time; followers are registered."),
    )


class BulkForm(forms.Form):
    """Who to invite or register: groups, partner roles, organisation kinds, countries (all chosen must hold)."""

    mode = forms.ChoiceField(
        label=_("What to do"),
        widget=forms.RadioSelect,
        choices=[
            (INVITE, _("Invite them: an email asks them to register")),
            (REGISTER, _("Register them: they get a seat (or a waitlist place) and a confirmation")),
        ],
    )
    groups = forms.ModelMultipleChoiceField(
        label=_("Members of the groups"),
        queryset=Group.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    partner_roles = forms.ModelMultipleChoiceField(
        label=_("From partners with the role"),
        queryset=PartnerRole.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    organisation_kinds = forms.MultipleChoiceField(
        label=_("From organisations of the kind"),
        choices=Organization.Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    countries = forms.MultipleChoiceField(
        label=_("From the countries"), choices=(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, meeting, country_codes: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        community = meeting.community
        self.fields["groups"].queryset = Group.objects.filter(community=community).unarchived().in_order()
        self.fields["partner_roles"].queryset = PartnerRole.objects.filter(community=community)
        self.fields["countries"].choices = sorted(
            ((code, str(countries.name(code))) for code in country_codes), key=lambda choice: choice[1]
        )
        self.fields["countries"].help_text = _("Members who keep their country private are not picked by it.")

    def clean(self):
        cleaned = super().clean()
        if not self.errors and self.criteria().is_empty:
            raise forms.ValidationError(_("Choose at least one group, partner role, organisation kind or country."))
        return cleaned

    def criteria(self) -> Criteria:
        data = self.cleaned_data
        return Criteria(
            group_ids=tuple(group.pk for group in data.get("groups") or ()),
            partner_role_ids=tuple(role.pk for role in data.get("partner_roles") or ()),
            organisation_kinds=tuple(data.get("organisation_kinds") or ()),
            countries=tuple(data.get("countries") or ()),
        )


def sign_bulk(*, meeting, by, mode: str, criteria: Criteria, user_ids: list[int]) -> str:
    """Return the token a preview hands to its confirm button: exactly who was shown, for this meeting and person."""
    payload = {"m": meeting.pk, "u": by.pk, "mode": mode, "c": criteria.to_json(), "ids": sorted(user_ids)}
    return signing.dumps(payload, salt=CONFIRM_SALT, compress=True)


def read_bulk(token: str, *, meeting, by) -> dict | None:
    """Return what a confirm token carries, or None when it is forged, expired, or another meeting's or person's."""
    try:
        payload = signing.loads(token or "", salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict) or payload.get("m") != meeting.pk or payload.get("u") != by.pk:
        return None
    try:
        payload["criteria"] = Criteria.from_json(payload.get("c") or {})
        payload["ids"] = [int(pk) for pk in payload.get("ids") or []]
    except (TypeError, ValueError):
        return None
    return payload
