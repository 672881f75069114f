from allauth.account.forms import SignupForm
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

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


class ProfileSettingsForm(forms.ModelForm):
    """A person's own profile, and what of it other members of their communities see."""

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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["full_name"].required = True
        self.fields["full_name"].error_messages["required"] = _("Enter your name.")
        self.fields["organization"].queryset = Organization.objects.order_by("name")
        self.fields["bio"].widget.attrs["maxlength"] = 4000

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
        return [self[name] for name in self.fields if name not in VISIBILITY_FIELDS]
