"""The community page: one write for everything a coordinator edits about their community.

Rules:
- community_update checks every value itself (the console form, the Django admin and any
  script call it), so a bad value is refused with a translated message per field and
  nothing is changed.
- The accent colour must reach WCAG AA (4.5:1) against white: the portal shows the accent
  under white text and as text on the white page. The message gives the computed ratio.
- A logo passes communities.images.check_logo (an image by its content, not its name);
  the small variant pages show is remade after the change; the replaced files are deleted
  once the change is committed.
- The own host name is lower-cased, written in ASCII (IDNA), must be a host name (not an
  address, not the portal's own host) and unique among communities. Saving one that
  ALLOWED_HOSTS does not list yet is allowed; host_name_served() tells the console to warn.
- One CommunityEvent COMMUNITY_UPDATED records {field: [before, after]} for the changed
  fields only; a call that changes nothing saves and records nothing.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http.request import validate_host
from django.utils.translation import gettext as _
from django_countries import countries as all_countries

from members.models import Organization

from .. import permissions
from ..colours import TEXT_CONTRAST, WHITE, contrast_ratio
from ..images import check_logo
from ..models import Community, CommunityEvent
from ..theme_names import theme_names_clean
from .audit import changes_between, record_event
from .logos import community_logo_variant_update

PAGE_FIELDS = (
    "name",
    "slug",
    "tagline",
    "description",
    "language",
    "logo",
    "accent_color",
    "languages",
    "default_language",
    "countries",
    "region",
    "visibility",
    "join_policy",
    "eligible_organization_kinds",
    "domain",
    "themes",
)
_HEX = re.compile(r"^#[0-9a-f]{6}$")
_CHOICES = {"visibility": Community.Visibility.values, "join_policy": Community.JoinPolicy.values}
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


class CommunityPageError(ValidationError):
    """A value of the community page that the rules refuse; error_dict maps each field to why."""


def accent_contrast(colour: str) -> float:
    """Return the contrast ratio of colour against white (text on the accent, and the page background)."""
    return contrast_ratio(colour, WHITE)


def accent_error(colour: str) -> str | None:
    """Return why colour cannot be the accent (translated), or None when it may."""
    if not _HEX.match(colour or ""):
        return _("Enter a colour as #RRGGBB.")
    ratio = accent_contrast(colour)
    if ratio < TEXT_CONTRAST:
        return _(
            "The contrast of %(colour)s with white is %(ratio)s:1; at least %(needed)s:1 is needed (WCAG AA), "
            "because the portal writes white text on the accent and shows it on the white page. Choose a darker colour."
        ) % {"colour": colour, "ratio": f"{ratio:.2f}", "needed": f"{TEXT_CONTRAST:g}"}
    return None


def normalise_host_name(value: str) -> str:
    """Return value as a lower-case ASCII host name (a trailing dot dropped); "" for nothing typed."""
    host = (value or "").strip().rstrip(".").lower()
    if not host:
        return ""
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host  # refused by host_name_error


def portal_host() -> str:
    return (urlsplit(settings.SITE_URL).hostname or "").lower()


def host_name_error(host: str, *, community: Community) -> str | None:
    """Return why host (normalised) cannot be community's own host name, or None when it may."""
    labels = host.split(".")
    if len(host) > 253 or len(labels) < 2 or not all(_LABEL.match(label) for label in labels) or labels[-1].isdigit():
        return _("Enter a host name such as cop.example.org (letters, digits, hyphens and dots; no address or path).")
    if host == portal_host():
        return _("This is the portal's own host name; a community needs a host name of its own.")
    if Community.objects.filter(domain=host).exclude(pk=community.pk).exists():
        return _("Another community already uses this host name.")
    return None


def host_name_served(host: str | None) -> bool:
    """Return whether the portal answers requests for host (ALLOWED_HOSTS lists it); True for no host."""
    return not host or validate_host(host, settings.ALLOWED_HOSTS)


def _values(community: Community) -> dict[str, Any]:
    """Return the page's current values as JSON-ready text (countries as codes, the logo by its file name)."""
    return {
        "name": community.name,
        "slug": community.slug,
        "tagline": community.tagline,
        "description": community.description,
        "language": community.language,
        "logo": community.logo.name if community.logo else "",
        "accent_color": community.accent_color,
        "languages": list(community.languages or []),
        "default_language": community.default_language,
        "countries": [country.code for country in community.countries],
        "region": community.region,
        "visibility": community.visibility,
        "join_policy": community.join_policy,
        "eligible_organization_kinds": list(community.eligible_organization_kinds or []),
        "domain": community.domain or "",
        "themes": sorted(community.themes.names()),
    }


def _clean(community: Community, fields: dict[str, Any]) -> dict[str, Any]:
    """Return fields made canonical, or raise CommunityPageError naming every refused field."""
    unknown = set(fields) - set(PAGE_FIELDS)
    if unknown:
        raise TypeError(f"community_update() got unknown fields: {', '.join(sorted(unknown))}")
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
    language_codes = [code for code, _name in settings.LANGUAGES]
    for name, value in fields.items():
        if name in {"name", "tagline", "description", "region"}:
            value = (value or "").strip()
            limit = Community._meta.get_field(name).max_length
            if limit and len(value) > limit:
                errors[name] = _("Keep it under %(limit)s characters.") % {"limit": limit}
            elif name == "name" and not value:
                errors[name] = _("Enter the community's name.")
        elif name == "slug":
            value = (value or "").strip().lower()
            if not _SLUG.match(value):
                errors[name] = _("Use lower-case letters, digits and hyphens.")
            elif Community.objects.filter(slug=value).exclude(pk=community.pk).exists():
                errors[name] = _("Another community already uses this address.")
        elif name == "accent_color":
            value = (value or "").strip().lower()
            if (error := accent_error(value)) is not None:
                errors[name] = error
        elif name == "languages":
            value = [code for code in language_codes if code in set(value or [])]
            if not value:
                errors[name] = _("Choose at least one language.")
        elif name == "language":
            value = value or ""
            if value and value not in language_codes:
                errors[name] = _("Choose one of the languages offered.")
        elif name == "default_language":
            if value not in language_codes:
                errors[name] = _("Choose one of the languages offered.")
        elif name == "countries":
            value = sorted({str(code).upper() for code in value or []})
            if any(code not in all_countries for code in value):
                errors[name] = _("Choose countries from the list.")
        elif name in _CHOICES:
            if value not in _CHOICES[name]:
                errors[name] = _("Choose one of the options offered.")
        elif name == "eligible_organization_kinds":
            value = [kind for kind in Organization.Kind.values if kind in set(value or [])]
            if set(fields[name] or []) - set(value):
                errors[name] = _("Choose kinds of organisation from the list.")
        elif name == "domain":
            value = normalise_host_name(value)
            if value and (error := host_name_error(value, community=community)) is not None:
                errors[name] = error
            value = value or None
        elif name == "logo":
            if isinstance(value, UploadedFile):
                try:
                    check_logo(value)
                except ValidationError as error:
                    errors[name] = " ".join(error.messages)
            elif value not in (None, False, ""):
                raise TypeError("logo must be an uploaded file, or False to remove it")
        elif name == "themes":
            try:
                value = sorted(theme_names_clean(value))
            except ValidationError as error:
                errors[name] = " ".join(error.messages)
        clean[name] = value
    languages = clean.get("languages", community.languages)
    default = clean.get("default_language", community.default_language)
    if languages and default not in languages and "languages" not in errors:
        errors["default_language" if "default_language" in fields else "languages"] = _(
            "The default language must be one of the community's languages."
        )
    if errors:
        raise CommunityPageError(errors)
    return clean


@transaction.atomic
def community_update(*, community: Community, by, **fields) -> Community:
    """Change the community page's fields (see PAGE_FIELDS) and record what changed; return the community.

    `logo` is an uploaded file, or False to remove the logo. `themes` is a list of names.
    Raises CommunityPageError (per field, translated) and changes nothing when a value is refused.
    """
    if not permissions.can_manage(by, community):
        raise CommunityPageError(_("Only a coordinator of the community may change its page."), code="forbidden")
    community = Community.objects.select_for_update().get(pk=community.pk)
    clean = _clean(community, fields)
    before = _values(community)
    old_logo = community.logo.name if community.logo else ""
    wanted = {**before, **{name: value for name, value in clean.items() if name != "logo"}}
    wanted["domain"] = wanted["domain"] or ""
    logo = clean.get("logo")
    logo_changes = isinstance(logo, UploadedFile) or (logo is False and old_logo)
    changes = changes_between(before, wanted)
    if not changes and not logo_changes:
        return community
    themes = changes.pop("themes", None)
    for name in changes:
        setattr(community, name, clean[name])
    if logo_changes:
        community.logo = logo if isinstance(logo, UploadedFile) else ""
    community.save()
    if themes is not None:
        community.themes.set(clean["themes"])
        changes["themes"] = themes
    if logo_changes:
        new_logo = community.logo.name if community.logo else ""
        changes["logo"] = [old_logo, new_logo]
        community_logo_variant_update(community=community)
        if old_logo and old_logo != new_logo:
            storage = community.logo.storage
            transaction.on_commit(lambda: storage.delete(old_logo))
    record_event(
        community=community,
        by=by,
        action=CommunityEvent.Action.COMMUNITY_UPDATED,
        target=community.name,
        changes=changes,
    )
    return community
