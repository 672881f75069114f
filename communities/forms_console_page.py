"""Forms of the console's community page and themes; the services check the rules, these read the input."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from members.models import Organization

from .models import Community, Theme
from .theme_fields import ThemesField, theme_suggestions


class CommunityPageForm(forms.Form):
    """The community page as its coordinators edit it; community_update checks every value."""

    tagline = forms.CharField(
        label=_("Short description"),
        required=False,
        max_length=300,
        help_text=_("One sentence shown on the community's card in the directory."),
    )
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 6}))
    language = forms.ChoiceField(
        label=_("Written in"),
        choices=[("", _("The community's default language")), *settings.LANGUAGES],
        required=False,
        help_text=_("The language of the name, tagline and description; readers see it marked, or a translation."),
    )
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/gif,image/webp"}),
        help_text=_("PNG, JPEG, GIF or WebP, up to 2 MB; pages show a copy at most 128 pixels wide."),
    )
    accent_color = forms.CharField(
        label=_("Accent colour"),
        max_length=7,
        widget=forms.TextInput(attrs={"type": "color"}),
        help_text=_("White text must stay readable on it: a contrast of at least 4.5:1 with white (WCAG AA)."),
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages"), choices=settings.LANGUAGES, widget=forms.CheckboxSelectMultiple
    )
    default_language = forms.ChoiceField(label=_("Default language"), choices=settings.LANGUAGES)
    countries = forms.MultipleChoiceField(
        label=_("Countries"),
        required=False,
        choices=(),
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Hold Ctrl (or Cmd) to choose several."),
    )
    region = forms.CharField(label=_("Region"), required=False, max_length=120)
    visibility = forms.ChoiceField(
        label=_("Who can see the community"), choices=Community.Visibility.choices, widget=forms.RadioSelect
    )
    join_policy = forms.ChoiceField(
        label=_("How people join"), choices=Community.JoinPolicy.choices, widget=forms.RadioSelect
    )
    eligible_organization_kinds = forms.MultipleChoiceField(
        label=_("Reserved to organisation kinds"),
        required=False,
        choices=Organization.Kind.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave all unticked to let anyone join; otherwise only people from these kinds of organisation."),
    )
    domain = forms.CharField(
        label=_("Own host name"),
        required=False,
        max_length=253,
        help_text=_("Optional, e.g. cop.example.org. The portal's staff point it to the portal."),
    )
    themes = ThemesField(label=_("The community's themes"))

    def __init__(self, *args, community: Community, **kwargs):
        super().__init__(*args, **kwargs)
        self.community = community
        self.fields["countries"].choices = list(countries)
        self.fields["themes"].set_suggestions(theme_suggestions(community))

    @staticmethod
    def initial_for(community: Community) -> dict:
        return {
            "tagline": community.tagline,
            "description": community.description,
            "language": community.language,
            "logo": community.logo,
            "accent_color": community.accent_color,
            "languages": community.languages,
            "default_language": community.default_language,
            "countries": [country.code for country in community.countries],
            "region": community.region,
            "visibility": community.visibility,
            "join_policy": community.join_policy,
            "eligible_organization_kinds": community.eligible_organization_kinds,
            "domain": community.domain or "",
            "themes": sorted(community.themes.names()),
        }

    def service_fields(self) -> dict:
        """Return the keyword arguments of community_update (the logo only when one was sent or cleared)."""
        fields = dict(self.cleaned_data)
        if fields.get("logo") is None:
            fields.pop("logo", None)
        return fields


class ThemeNameForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)


class ThemeMergeForm(forms.Form):
    theme = forms.ModelChoiceField(label=_("Merge the theme"), queryset=Theme.objects.none())
    into = forms.ModelChoiceField(label=_("into"), queryset=Theme.objects.none())

    def __init__(self, *args, community: Community, **kwargs):
        super().__init__(*args, **kwargs)
        themes = Theme.objects.filter(community=community).order_by("name")
        self.fields["theme"].queryset = themes
        self.fields["into"].queryset = themes

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("theme") is not None and cleaned.get("theme") == cleaned.get("into"):
            self.add_error("into", _("Choose two different themes to merge."))
        return cleaned
