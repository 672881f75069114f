"""The console's onboarding forms: the list (pasted or uploaded) with its defaults, and the signed confirm."""

from __future__ import annotations

from django import forms
from django.core import signing
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..forms import MESSAGE_MAX
from ..models import Group, Membership
from ..selectors import GROUP_ROLES
from .parsing import CSV_COLUMNS, MAX_BYTES

CONFIRM_SALT = "communities.onboarding.confirm"
# A preview may be confirmed within this many seconds; after that, preview again.
CONFIRM_MAX_AGE = 3600


class OnboardingForm(forms.Form):
    """A pasted list of addresses or a CSV file, with the place and role for rows that name none."""

    addresses = forms.CharField(
        label=gettext_lazy("Addresses"),
        required=False,
        help_text=gettext_lazy(
            "One per line, or separated by commas or semicolons; a name may come before the address, "
            "as in “Ada Rossi <ada@example.org>”. A CSV with a header row may be pasted here too."
        ),
        widget=forms.Textarea(attrs={"rows": 10, "dir": "auto", "spellcheck": "false"}),
    )
    csv_file = forms.FileField(
        label=gettext_lazy("Or a CSV file"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    group = forms.ModelChoiceField(label=gettext_lazy("Into"), queryset=Group.objects.none(), required=False)
    role = forms.ChoiceField(
        label=gettext_lazy("Role"), choices=Membership.Role.choices, initial=Membership.Role.MEMBER
    )
    message = forms.CharField(
        label=gettext_lazy("Personal message (optional)"),
        required=False,
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 2, "dir": "auto"}),
    )

    def __init__(self, *args, groups, whole_community: bool, **kwargs):
        super().__init__(*args, **kwargs)
        # Formatted here, in the request's language: a lazy string formatted at import is English for good.
        self.fields["csv_file"].help_text = _(
            "UTF-8, at most 1 MB and 2000 rows; a header row naming the columns (comma or semicolon separated): %s."
        ) % ", ".join(CSV_COLUMNS)
        field = self.fields["group"]
        field.queryset = groups
        field.help_text = _("For the rows that name no group.")
        if whole_community:
            field.empty_label = _("The whole community")
        else:
            field.required = True
            field.empty_label = None
            self.fields["role"].choices = [(v, label) for v, label in Membership.Role.choices if v in GROUP_ROLES]
        self.fields["role"].help_text = _("For the rows that name no role.")

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("csv_file")
        if upload:
            if upload.size > MAX_BYTES:
                raise forms.ValidationError(_("The file is larger than 1 MB: split it in parts."))
            try:
                cleaned["text"] = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                raise forms.ValidationError(
                    _("The file is not UTF-8 text: save it as “CSV UTF-8” and try again.")
                ) from None
        else:
            cleaned["text"] = cleaned.get("addresses", "")
        if not (cleaned["text"] or "").strip() and not self.errors:
            raise forms.ValidationError(_("Paste at least one address, or choose a CSV file."))
        if len((cleaned["text"] or "").encode()) > MAX_BYTES:
            raise forms.ValidationError(_("The list is larger than 1 MB: split it in parts."))
        group, role = cleaned.get("group"), cleaned.get("role")
        if group is not None and role and role not in GROUP_ROLES:
            self.add_error("role", _("In a group, a person is a member or a facilitator."))
        return cleaned


def sign_batch(*, community, by, text: str, group: Group | None, role: str, message: str) -> str:
    """Return the token a preview hands to its confirm button: the checked list, for this community and person."""
    payload = {"c": community.pk, "u": by.pk, "t": text, "g": group.pk if group else None, "r": role, "m": message}
    return signing.dumps(payload, salt=CONFIRM_SALT, compress=True)


def read_batch(token: str, *, community, by) -> dict | None:
    """Return the batch a confirm token carries, or None when it is forged, expired or not this person's."""
    try:
        payload = signing.loads(token or "", salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict) or payload.get("c") != community.pk or payload.get("u") != by.pk:
        return None
    return payload
