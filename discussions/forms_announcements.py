"""The announcement form: who receives it, its title and text, and the one-time token against double sends."""

from __future__ import annotations

import secrets

from django import forms
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from communities import permissions
from communities.models import Group, Membership, PartnerRole
from members.models import User

from .models import Announcement
from .services._common import BODY_LIMIT, TITLE_LIMIT
from .services.announcements import AudienceChoice, announcement_groups

Audience = Announcement.Audience


def new_nonce() -> str:
    return secrets.token_urlsafe(24)


def _member_countries(community) -> list[tuple[str, str]]:
    """Return (code, name) of the countries the community's active members are from, by name."""
    members = Membership.objects.active().community_level().filter(community=community).values("user_id")
    codes = User.objects.filter(pk__in=members).exclude(country="").values_list("country", flat=True).distinct()
    return sorted(((code, str(countries.name(code))) for code in codes), key=lambda pair: pair[1].casefold())


class AnnouncementForm(forms.Form):
    audience = forms.ChoiceField(label=_("Send to"), widget=forms.RadioSelect)
    group = forms.ModelChoiceField(
        label=_("Group"), queryset=Group.objects.none(), required=False, empty_label=_("Choose a group")
    )
    partner_role = forms.ModelChoiceField(
        label=_("Partner role"),
        queryset=PartnerRole.objects.none(),
        required=False,
        empty_label=_("Choose a partner role"),
        help_text=_("The members whose organisation is a partner of the community with this role."),
    )
    country = forms.ChoiceField(label=_("Country"), required=False)
    title = forms.CharField(label=_("Title"), max_length=TITLE_LIMIT)
    body = forms.CharField(
        label=_("Message"),
        max_length=BODY_LIMIT,
        widget=forms.Textarea(attrs={"rows": 10, "dir": "auto"}),
        help_text=_("Markdown: **bold**, *italic*, > quote, [link](https://…)."),
    )
    language = forms.ChoiceField(
        label=_("Written in"),
        choices=settings.LANGUAGES,
        required=False,
        help_text=_("Readers see it marked with its language, or a translation into theirs."),
    )
    nonce = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, community, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.community = community
        coordinator = permissions.can_manage(user, community)
        self.fields["group"].queryset = announcement_groups(user=user, community=community)
        if coordinator:
            self.fields["audience"].choices = Audience.choices
            self.fields["partner_role"].queryset = PartnerRole.objects.filter(community=community).order_by(
                "order", "name"
            )
            self.fields["country"].choices = [("", _("Choose a country")), *_member_countries(community)]
        else:
            # A facilitator announces to the groups they run, nothing wider.
            self.fields["audience"].choices = [(Audience.GROUP, Audience.GROUP.label)]
            self.fields["audience"].initial = Audience.GROUP
            del self.fields["partner_role"]
            del self.fields["country"]
        self.fields["title"].widget.attrs["dir"] = "auto"
        if not self.initial.get("language"):
            self.initial["language"] = (get_language() or community.default_language).split("-")[0]
        if not self.is_bound and not self.initial.get("nonce"):
            self.initial["nonce"] = new_nonce()
        self.fields["audience"].initial = self.fields["audience"].initial or Audience.COMMUNITY

    def clean(self):
        data = super().clean()
        kind = data.get("audience")
        needed = {Audience.GROUP: "group", Audience.PARTNER_ROLE: "partner_role", Audience.COUNTRY: "country"}
        messages = {
            "group": _("Choose the group that receives the announcement."),
            "partner_role": _("Choose a partner role of this community."),
            "country": _("Choose a country."),
        }
        field = needed.get(kind)
        if field and not data.get(field) and field not in self.errors:
            self.add_error(field, messages[field])
        return data

    def audience_choice(self) -> AudienceChoice:
        """Return the audience the valid form names (only the field its kind uses)."""
        data = self.cleaned_data
        kind = data["audience"]
        return AudienceChoice(
            kind=kind,
            group=data.get("group") if kind == Audience.GROUP else None,
            partner_role=data.get("partner_role") if kind == Audience.PARTNER_ROLE else None,
            country=data.get("country", "") if kind == Audience.COUNTRY else "",
        )
