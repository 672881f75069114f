"""Checking every row against the database before anything is written."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.utils import translation
from django.utils.translation import gettext
from django_countries import countries

from members.models import Organization

from ..models import Community, DimensionValue, Group, Membership, PartnerRole
from .parsing import COLUMN_NAMES, language_codes
from .report import ImportReport, RowError


@dataclass
class _OrgSpec:
    name: str
    country: str
    kind: str = ""
    region: str = ""
    city: str = ""
    website: str = ""
    line: int = 0
    kind_given: bool = False


@dataclass
class _Row:
    line: int
    email: str = ""
    full_name: str = ""
    job_title: str = ""
    country: str = ""
    language: str = ""
    expertise: list[str] = field(default_factory=list)
    org_key: tuple[str, str] | None = None
    community: Community | None = None
    group: Group | None = None
    role: str = ""
    partner_role: PartnerRole | None = None
    values: list[DimensionValue] = field(default_factory=list)


class _Checker:
    """Check every row against the database, loaded once, and collect errors with line numbers."""

    def __init__(self, report: ImportReport):
        self.report = report
        self.communities = {c.slug: c for c in Community.objects.all()}
        self.groups = {(g.community_id, g.slug): g for g in Group.objects.select_related("community")}
        self.partner_roles = {(r.community_id, r.name.lower()): r for r in PartnerRole.objects.all()}
        self.values: dict[tuple[int, str, str], DimensionValue] = {}
        for value in DimensionValue.objects.select_related("dimension"):
            dimension = value.dimension
            for dim_key in {dimension.name.lower(), dimension.slug.lower()}:
                for value_key in {value.name.lower(), value.slug.lower()}:
                    self.values[(dimension.community_id, dim_key, value_key)] = value
        # A kind may be written as its code, or its name in English or in the admin's language.
        self.kinds = {code: code for code in Organization.Kind.values}
        self.kinds.update({str(label).lower(): code for code, label in Organization.Kind.choices})
        with translation.override("en"):
            self.kinds.update({str(label).lower(): code for code, label in Organization.Kind.choices})
        self.orgs: dict[tuple[str, str], _OrgSpec] = {}
        self.people: dict[str, _Row] = {}
        self.seen: dict[tuple, int] = {}
        self.rows: list[_Row] = []

    def error(self, line: int, message: str) -> None:
        self.report.errors.append(RowError(line, message))

    def country(self, line: int, value: str, column: str) -> str | None:
        if not value:
            return ""
        code = countries.alpha2(value.upper()) or countries.by_name(value)
        if not code:
            self.error(line, gettext("Unknown country in %(column)s: %(value)s.") % {"column": column, "value": value})
            return None
        return code

    def check(self, line: int, data: dict[str, str]) -> None:
        errors_before = len(self.report.errors)
        row = _Row(line=line)
        email = data.get("email", "").lower()
        org_name = " ".join(data.get("organisation", "").split())
        if not email and not org_name:
            self.error(line, gettext("A row needs an email address or an organisation."))
            return
        if email:
            try:
                validate_email(email)
            except ValidationError:
                self.error(line, gettext("Not a valid email address: %s.") % email)
            row.email = email
        row.full_name = " ".join(data.get("full_name", "").split())
        row.job_title = data.get("job_title", "")
        for column, limit in (("full_name", 200), ("job_title", 200)):
            if len(data.get(column, "")) > limit:
                self.error(
                    line,
                    gettext("%(column)s is longer than %(limit)d characters.") % {"column": column, "limit": limit},
                )
        row.country = self.country(line, data.get("country", ""), "country") or ""
        language = data.get("language", "").lower()
        if language and language not in language_codes():
            self.error(
                line,
                gettext("Unknown language: %(value)s (use one of %(codes)s).")
                % {"value": language, "codes": ", ".join(language_codes())},
            )
        row.language = language
        row.expertise = [" ".join(tag.split()) for tag in data.get("expertise", "").split(";") if tag.strip()]
        if any(len(tag) > 100 for tag in row.expertise):
            self.error(line, gettext("An area of expertise is longer than 100 characters."))
        if not email and any(data.get(c) for c in ("full_name", "job_title", "country", "language", "expertise")):
            self.error(line, gettext("Details of a person need the person's email address."))

        if org_name:
            row.org_key = self._organisation(line, org_name, data)
        elif any(data.get(c) for c in COLUMN_NAMES if c.startswith("organisation_")):
            self.error(line, gettext("Organisation details need the organisation's name."))

        slug = data.get("community", "").lower()
        community = None
        if slug:
            community = self.communities.get(slug)
            if community is None:
                self.error(line, gettext("Unknown community: %s.") % slug)
        row.community = community
        group_slug = data.get("group", "").lower()
        if group_slug:
            if not slug:
                self.error(line, gettext("A group needs its community."))
            elif community is not None:
                row.group = self.groups.get((community.pk, group_slug))
                if row.group is None:
                    self.error(
                        line,
                        gettext("Unknown group %(group)s in community %(community)s.")
                        % {"group": group_slug, "community": slug},
                    )
        role = data.get("role", "").lower()
        if role:
            if role not in Membership.Role.values:
                self.error(
                    line,
                    gettext("Unknown role: %(role)s (use member, facilitator or coordinator).") % {"role": role},
                )
            elif not email:
                self.error(line, gettext("A role needs the person's email address."))
            elif not slug:
                self.error(line, gettext("A role needs a community."))
        row.role = role or Membership.Role.MEMBER

        partner_role = data.get("partner_role", "")
        if partner_role:
            if not org_name:
                self.error(line, gettext("A partner role needs an organisation."))
            elif not slug:
                self.error(line, gettext("A partner role needs a community."))
            elif community is not None:
                row.partner_role = self.partner_roles.get((community.pk, partner_role.lower()))
                if row.partner_role is None:
                    known = sorted(r.name for (cid, _n), r in self.partner_roles.items() if cid == community.pk)
                    self.error(
                        line,
                        gettext("Unknown partner role %(role)s in %(community)s (known: %(known)s).")
                        % {"role": partner_role, "community": slug, "known": ", ".join(known) or "–"},
                    )
        labels = [pair.strip() for pair in data.get("dimension_values", "").split(";") if pair.strip()]
        if labels and not partner_role:
            self.error(line, gettext("Reporting labels belong to a partnership: give a partner_role too."))
        elif labels and community is not None:
            for pair in labels:
                dimension, sep, value = (part.strip().lower() for part in pair.partition(":"))
                found = self.values.get((community.pk, dimension, value)) if sep else None
                if found is None:
                    self.error(
                        line,
                        gettext("Unknown reporting label %(label)s (write it as Dimension: Value).") % {"label": pair},
                    )
                else:
                    row.values.append(found)

        if email:
            earlier = self.people.get(email)
            if earlier is not None and row.full_name and earlier.full_name and earlier.full_name != row.full_name:
                self.error(
                    line,
                    gettext("The name differs from line %(line)d for the same email address.") % {"line": earlier.line},
                )
            if earlier is None or (row.full_name and not earlier.full_name):
                self.people.setdefault(email, row)
            key = ("person", email, slug, group_slug)
        else:
            key = ("organisation", row.org_key, slug, partner_role.lower())
        if key not in self.seen:
            self.seen[key] = line
        elif len(self.report.errors) == errors_before:  # a repeat is worth telling only of an otherwise good row
            self.error(line, gettext("This row repeats line %(line)d.") % {"line": self.seen[key]})
        if len(self.report.errors) == errors_before:
            self.rows.append(row)

    def _organisation(self, line: int, name: str, data: dict[str, str]) -> tuple[str, str] | None:
        if len(name) > 200:
            self.error(line, gettext("The organisation's name is longer than 200 characters."))
        country = self.country(line, data.get("organisation_country", ""), "organisation_country")
        if country is None:
            return None
        kind_text = data.get("organisation_kind", "").strip().lower()
        kind = ""
        if kind_text:
            kind = self.kinds.get(kind_text, "")
            if not kind:
                self.error(
                    line,
                    gettext("Unknown organisation kind: %(kind)s (use one of %(kinds)s).")
                    % {"kind": kind_text, "kinds": ", ".join(Organization.Kind.values)},
                )
        website = data.get("organisation_website", "")
        if website:
            try:
                URLValidator(schemes=["http", "https"])(website)
            except ValidationError:
                self.error(line, gettext("Not a valid website address: %s.") % website)
        spec = _OrgSpec(
            name=name,
            country=country,
            kind=kind,
            region=data.get("organisation_region", "")[:120],
            city=data.get("organisation_city", "")[:120],
            website=website,
            line=line,
            kind_given=bool(kind_text),
        )
        key = (name.lower(), country)
        earlier = self.orgs.get(key)
        if earlier is None:
            self.orgs[key] = spec
        else:
            for attribute in ("kind", "region", "city", "website"):
                mine, theirs = getattr(spec, attribute), getattr(earlier, attribute)
                if mine and theirs and mine != theirs:
                    self.error(
                        line,
                        gettext("The organisation's %(field)s differs from line %(line)d.")
                        % {"field": attribute, "line": earlier.line},
                    )
                elif mine and not theirs:
                    setattr(earlier, attribute, mine)
            earlier.kind_given = earlier.kind_given or spec.kind_given
        return key

    def check_new_organisations(self, existing: dict[tuple[str, str], Organization]) -> None:
        for key, spec in self.orgs.items():
            if key not in existing and not spec.kind and not spec.kind_given:
                self.error(
                    spec.line,
                    gettext("%(name)s is a new organisation: give its organisation_kind.") % {"name": spec.name},
                )
