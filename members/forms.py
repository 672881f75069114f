from allauth.account.forms import SignupForm
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from . import organisations
from .models import TIME_ZONE_CHOICES, Organization, User


class PortalSignupForm(SignupForm):
    """Sign-up asks for a name besides email and password; the rest is set on the profile."""

    full_name = forms.CharField(label=_("Full name"), max_length=200)

    field_order = ["full_name", "email", "password1", "password2"]

    def save(self, request):
        user = super().save(request)
        user.full_name = self.cleaned_data["full_name"].strip()
        language = getattr(request, "LANGUAGE_CODE", None)
        if language in dict(settings.LANGUAGES):
            user.language = language
        user.save(update_fields=["full_name", "language"])
        return user


def _language_lookup() -> dict[str, str]:
    """Map language codes and names (English and native, lower-cased) to codes."""
    from django.conf.locale import LANG_INFO

    lookup: dict[str, str] = {}
    for code, info in LANG_INFO.items():
        if "name" not in info:  # an alias entry such as "zh-cn" -> fallback
            continue
        lookup[code.lower()] = code
        lookup.setdefault(info["name"].lower(), code)
        lookup.setdefault(info["name_local"].lower(), code)
    return lookup


class SpokenLanguagesField(forms.CharField):
    """Languages as a comma-separated list of codes or names ("it, English, العربيّة"), stored as codes."""

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(value)
        return value

    def to_python(self, value) -> list[str]:
        text = super().to_python(value)
        lookup = _language_lookup()
        codes: list[str] = []
        unknown: list[str] = []
        for part in (piece.strip() for piece in text.replace(";", ",").replace("؛", ",").replace("،", ",").split(",")):
            if not part:
                continue
            code = lookup.get(part.lower())
            if code is None:
                unknown.append(part)
            elif code not in codes:
                codes.append(code)
        if unknown:
            raise forms.ValidationError(
                _("Unknown language: %(names)s. Use a name such as Italian or a code such as it."),
                code="unknown_language",
                params={"names": ", ".join(unknown)},
            )
        return codes


# What of a profile others see; the person decides.
VISIBILITY_FIELDS = [
    "listed_in_directory",
    "show_email",
    "show_job_title",
    "show_country",
    "show_expertise",
    "show_communities",
    "show_in_network",
]


class OrganisationChoiceField(forms.ModelChoiceField):
    """An organisation among those the person may see, offered with its city, country and verification state."""

    def label_from_instance(self, obj) -> str:
        return organisations.label(obj)


class ProfileSettingsForm(forms.ModelForm):
    """A person's own profile, and what of it other members of their communities see.

    The organisation is picked among those the person may see (members.organisations.visible_to):
    from a select when that list is short, otherwise by typing its name. Without JavaScript,
    a name that matches one organisation exactly is taken; one that matches several comes back
    with those as choices (form.suggestions), to pick one and save again.
    """

    time_zone = forms.ChoiceField(label=_("Time zone"), choices=TIME_ZONE_CHOICES)
    spoken_languages = SpokenLanguagesField(
        label=_("Languages I speak"),
        required=False,
        max_length=300,
        help_text=_("Separate them with commas, e.g. Italian, English, ar."),
    )

    class Meta:
        model = User
        fields = [
            "full_name",
            "organization",
            "job_title",
            "country",
            "time_zone",
            "language",
            "expertise",
            "spoken_languages",
            "bio",
            *VISIBILITY_FIELDS,
        ]
        widgets = {"bio": forms.Textarea(attrs={"rows": 5})}

    organization_search = forms.CharField(
        label=_("Organisation"),
        required=False,
        max_length=200,
        help_text=_("Type its name, or part of it, and save: you will be offered the organisations that match."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["full_name"].required = True
        self.fields["full_name"].error_messages["required"] = _("Enter your name.")
        self.fields["bio"].widget.attrs["maxlength"] = 4000
        self.organizations = organisations.visible_to(self.instance)
        self.fields["organization"] = OrganisationChoiceField(
            queryset=self.organizations,
            required=False,
            label=_("Organisation"),
            error_messages={"invalid_choice": _("Choose an organisation from the list.")},
        )
        self.short_list = self.organizations.count() <= organisations.SHORT_LIST
        self.suggestions: list[Organization] = []
        self.more_suggestions = False
        if self.short_list:
            del self.fields["organization_search"]
        else:
            self.fields["organization"].widget = forms.RadioSelect()
            if self.instance.organization_id:
                self.fields["organization_search"].initial = self.instance.organization.name

    def clean(self):
        cleaned = super().clean()
        if self.short_list or self.has_error("organization"):
            return cleaned
        if cleaned.get("organization") is not None:
            return cleaned  # picked among the suggestions
        text = " ".join(cleaned.get("organization_search", "").split())
        current = self.instance.organization if self.instance.organization_id else None
        if not text:
            cleaned["organization"] = None
        elif current is not None and text.casefold() == current.name.casefold():
            cleaned["organization"] = current
        else:
            found = organisations.search(self.organizations, text)
            if found.chosen is not None:
                cleaned["organization"] = found.chosen
            elif found.suggestions:
                self.suggestions, self.more_suggestions = found.suggestions, found.more
                self.add_error(
                    "organization_search",
                    forms.ValidationError(
                        _("More than one organisation matches “%(text)s”: choose yours below and save again."),
                        code="choose",
                        params={"text": text},
                    ),
                )
            else:
                self.add_error(
                    "organization_search",
                    forms.ValidationError(
                        _(
                            "No organisation matches “%(text)s”. Check the spelling, or propose yours "
                            "with “My organisation is not listed”."
                        ),
                        code="not_found",
                        params={"text": text},
                    ),
                )
        return cleaned

    def clean_bio(self) -> str:
        bio = self.cleaned_data["bio"]
        if len(bio) > 4000:
            raise forms.ValidationError(_("Keep it under 4000 characters."), code="max_length")
        return bio

    def clean_expertise(self) -> list[str]:
        tags = self.cleaned_data["expertise"]
        if len(tags) > 30:
            raise forms.ValidationError(_("List at most 30 areas of expertise."), code="too_many")
        too_long = [tag for tag in tags if len(tag) > 100]
        if too_long:
            raise forms.ValidationError(_("Keep each area of expertise under 100 characters."), code="too_long")
        return tags

    def visibility_fields(self):
        return [self[name] for name in VISIBILITY_FIELDS]

    def profile_fields(self):
        """Return the profile's fields; the organisation's (select or search) come as the one "organization"."""
        return [self[name] for name in self.fields if name not in VISIBILITY_FIELDS and name != "organization_search"]


class OrganisationProposalForm(forms.ModelForm):
    """ "My organisation is not listed": what a person tells about the organisation they propose."""

    website = forms.URLField(label=_("website"), required=False, max_length=200, assume_scheme="https")

    class Meta:
        model = Organization
        fields = ["name", "kind", "city", "country", "website"]
        help_texts = {"name": _("Its full official name, e.g. Comune di Casalecchio di Reno.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].required = True

    def _post_clean(self):
        """Leave duplicates to the service, which offers the organisation already listed (nothing is saved here)."""
