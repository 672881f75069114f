"""Forms of the directory, the join flows and the coordinator console."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import Group, Membership
from .selectors import ACCESS_OPEN, ACCESS_RESERVED, GROUP_ROLES

MESSAGE_MAX = 2000
REASON_MAX = 1000


class DirectoryFilterForm(forms.Form):
    """The directory's search and filters: a GET form that works without JavaScript."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    theme = forms.ChoiceField(label=_("Theme"), required=False)
    country = forms.ChoiceField(label=_("Country"), required=False)
    region = forms.ChoiceField(label=_("Region"), required=False)
    language = forms.ChoiceField(label=_("Language"), required=False)
    access = forms.ChoiceField(
        label=_("Who can join"),
        required=False,
        choices=[("", _("Anyone or reserved")), (ACCESS_OPEN, _("Open to anyone")), (ACCESS_RESERVED, _("Reserved"))],
    )

    def __init__(self, *args, choices: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update({"type": "search", "placeholder": _("Name, tagline or description")})
        self.fields["theme"].choices = [("", _("All themes")), *choices["themes"]]
        self.fields["country"].choices = [("", _("All countries")), *choices["countries"]]
        self.fields["region"].choices = [("", _("All regions")), *choices["regions"]]
        self.fields["language"].choices = [("", _("All languages")), *settings.LANGUAGES]

    def filters(self) -> dict:
        """Return the valid filters as keyword arguments of selectors.directory_communities (bad ones dropped)."""
        self.is_valid()  # fills cleaned_data with the valid fields; a stale value is simply ignored
        data = getattr(self, "cleaned_data", {})
        return {
            "text": (data.get("q") or "").strip(),
            "theme": data.get("theme") or "",
            "country": data.get("country") or "",
            "region": data.get("region") or "",
            "language": data.get("language") or "",
            "access": data.get("access") or "",
        }


class JoinRequestForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the coordinators (optional)"),
        required=False,
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Say who you are and why you would like to join."),
    )


class DecisionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional; the person reads it)"),
        required=False,
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)

    def __init__(self, *args, group_level: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if group_level:
            self.fields["role"].choices = [(v, label) for v, label in Membership.Role.choices if v in GROUP_ROLES]


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    group = forms.ModelChoiceField(label=_("Into"), queryset=Group.objects.none(), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices, initial=Membership.Role.MEMBER)
    message = forms.CharField(
        label=_("Personal message (optional)"),
        required=False,
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, groups, whole_community: bool, groups_read=None, **kwargs):
        """groups_read: the rows of groups when the page has read them already, to offer without reading again.

        Django's ModelChoiceField reads its queryset once more to write the options, on a cursor of its
        own (2 ms and four round trips for REBUILD's 112 groups); validation still asks the queryset.
        """
        super().__init__(*args, **kwargs)
        self.whole_community = whole_community
        field = self.fields["group"]
        field.queryset = groups
        if whole_community:
            field.empty_label = _("The whole community")
        else:
            field.required = True
            field.empty_label = None
            self.fields["role"].choices = [(v, label) for v, label in Membership.Role.choices if v in GROUP_ROLES]
        if groups_read is not None:
            empty = [] if field.empty_label is None else [("", field.empty_label)]
            field.choices = empty + [(group.pk, field.label_from_instance(group)) for group in groups_read]

    def clean(self):
        cleaned = super().clean()
        group, role = cleaned.get("group"), cleaned.get("role")
        if group is not None and role and role not in GROUP_ROLES:
            self.add_error("role", _("In a group, a person is a member or a facilitator."))
        return cleaned
