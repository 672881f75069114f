"""Bulk onboarding: organisations and people, with their communities, groups, roles and labels, from CSV.

The whole file is checked first; every bad row is reported with its line number and
reason, and nothing is written unless every row is good (one transaction). Rows are
upserted (people by email, organisations by name and country), so importing the same
file twice creates nothing new. The columns are documented in COLUMNS, in the admin's
import page and in docs/import.md.

Imported people get an account with no usable password: they sign in through
"Forgot your password?" (or an invitation) and confirm their email address then.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from members.models import Organization, User

from ..models import Community, DimensionValue, Group, Membership, PartnerRole, Partnership
from ..services import membership_grant

MAX_ROWS = 5000

# (column, what it holds) in the order a template file lists them.
COLUMNS: list[tuple[str, str]] = [
    ("email", _("The person's email address: their login. Leave empty for a row about an organisation only.")),
    ("full_name", _("The person's full name (required for a new person).")),
    ("job_title", _("The person's job title.")),
    ("country", _("The person's country, as a two-letter code (IT, LY, TN…) or its English name.")),
    ("language", _("The person's language for the portal and its emails: en, it or ar.")),
    ("expertise", _("Areas of expertise, separated by semicolons: energy planning; peer review.")),
    ("organisation", _("The organisation's name. With its country, it identifies the organisation.")),
    ("organisation_kind", _("Required for a new organisation: one of the kinds listed below.")),
    ("organisation_country", _("The organisation's country (two-letter code or English name).")),
    ("organisation_region", _("The organisation's region.")),
    ("organisation_city", _("The organisation's city.")),
    ("organisation_website", _("The organisation's website, starting with https://.")),
    ("community", _("The slug of a community (as in /c/<slug>/): the person joins it.")),
    ("group", _("The slug of a group of that community: the person joins it too.")),
    ("role", _("The person's role in the community or group: member (default), facilitator or coordinator.")),
    ("partner_role", _("A partner role the community defines (e.g. Funded project): the organisation's partnership.")),
    (
        "dimension_values",
        _("Reporting labels of the partnership, as Dimension: Value pairs separated by semicolons."),
    ),
]
COLUMN_NAMES = [name for name, _description in COLUMNS]


def language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


@dataclass
class RowError:
    line: int
    message: str

    def __str__(self) -> str:
        return gettext("Line %(line)d: %(message)s") % {"line": self.line, "message": self.message}


@dataclass
class ImportReport:
    """What an import found and did (or, in a dry run, would do)."""

    dry_run: bool
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    organisations_created: int = 0
    organisations_updated: int = 0
    people_created: int = 0
    people_updated: int = 0
    memberships_created: int = 0
    memberships_changed: int = 0
    partnerships_created: int = 0
    labels_added: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    def counts(self) -> list[tuple[str, int]]:
        return [
            (gettext("organisations created"), self.organisations_created),
            (gettext("organisations updated"), self.organisations_updated),
            (gettext("people created"), self.people_created),
            (gettext("people updated"), self.people_updated),
            (gettext("memberships created"), self.memberships_created),
            (gettext("memberships changed"), self.memberships_changed),
            (gettext("partnerships created"), self.partnerships_created),
            (gettext("reporting labels added"), self.labels_added),
        ]

    def summary(self) -> str:
        if not self.ok:
            return gettext("%(count)d rows have errors: nothing was imported.") % {"count": len(self.errors)}
        done = ", ".join(f"{label}: {count}" for label, count in self.counts())
        if self.dry_run:
            return gettext("%(rows)d rows are valid. Importing them would give: %(done)s.") % {
                "rows": self.rows,
                "done": done,
            }
        return gettext("%(rows)d rows imported: %(done)s.") % {"rows": self.rows, "done": done}


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


class _Rollback(Exception):
    """Raised inside the transaction of a dry run, so nothing it wrote stays."""


def _read_rows(text: str, report: ImportReport) -> list[tuple[int, dict[str, str]]]:
    """Parse the CSV text into (line number, row) pairs; header problems are reported at line 1."""
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = next(reader, None)
    except csv.Error as error:
        report.errors.append(RowError(1, gettext("The file cannot be read as CSV (%s).") % error))
        return []
    if not header or not any(cell.strip() for cell in header):
        report.errors.append(RowError(1, gettext("The file is empty: the first line must name the columns.")))
        return []
    names = [cell.strip().lower().replace(" ", "_") for cell in header]
    unknown = [name for name in names if name and name not in COLUMN_NAMES]
    if unknown:
        report.errors.append(
            RowError(
                1,
                gettext("Unknown columns: %(unknown)s. The columns are: %(known)s.")
                % {"unknown": ", ".join(unknown), "known": ", ".join(COLUMN_NAMES)},
            )
        )
    repeated = sorted({name for name in names if name and names.count(name) > 1})
    if repeated:
        report.errors.append(RowError(1, gettext("Repeated columns: %s.") % ", ".join(repeated)))
    if "email" not in names and "organisation" not in names:
        report.errors.append(RowError(1, gettext("The file needs an email or an organisation column.")))
    if report.errors:
        return []
    rows = []
    line = reader.line_num
    while True:
        start = line + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            report.errors.append(RowError(start, gettext("This line cannot be read as CSV (%s).") % error))
            break
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(names):
            report.errors.append(
                RowError(
                    start,
                    gettext("This row has %(cells)d cells but the header names %(columns)d columns.")
                    % {"cells": len(cells), "columns": len(names)},
                )
            )
            continue
        rows.append((start, {name: (cells[i].strip() if i < len(cells) else "") for i, name in enumerate(names)}))
        if len(rows) > MAX_ROWS:
            report.errors.append(RowError(start, gettext("Import at most %d rows at a time.") % MAX_ROWS))
            break
    return rows


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


def import_people(text: str, *, dry_run: bool, actor=None) -> ImportReport:
    """Check text (CSV) and, unless dry_run or a row is bad, import it all in one transaction."""
    report = ImportReport(dry_run=dry_run)
    parsed = _read_rows(text, report)
    if report.errors:
        return report
    report.rows = len(parsed)
    checker = _Checker(report)
    for line, data in parsed:
        checker.check(line, data)
    existing_orgs = _existing_organisations(checker.orgs)
    checker.check_new_organisations(existing_orgs)
    if report.errors:
        report.errors.sort(key=lambda error: error.line)
        return report
    try:
        with transaction.atomic():
            _apply(checker, existing_orgs, report, actor)
            if dry_run:
                raise _Rollback
    except _Rollback:
        pass
    return report


def _existing_organisations(specs: dict[tuple[str, str], _OrgSpec]) -> dict[tuple[str, str], Organization]:
    names = {spec.name.lower() for spec in specs.values()}
    found = {}
    if not names:
        return found
    from django.db.models.functions import Lower

    for org in Organization.objects.annotate(lower_name=Lower("name")).filter(lower_name__in=names):
        found[(org.name.lower(), org.country.code or "")] = org
    return found


def _apply(checker: _Checker, existing_orgs, report: ImportReport, actor) -> None:
    orgs: dict[tuple[str, str], Organization] = {}
    for key, spec in checker.orgs.items():
        org = existing_orgs.get(key)
        if org is None:
            org = Organization.objects.create(
                name=spec.name,
                country=spec.country,
                kind=spec.kind,
                region=spec.region,
                city=spec.city,
                website=spec.website,
            )
            report.organisations_created += 1
        else:
            changed = [
                attribute
                for attribute in ("kind", "region", "city", "website")
                if getattr(spec, attribute) and getattr(spec, attribute) != getattr(org, attribute)
            ]
            for attribute in changed:
                setattr(org, attribute, getattr(spec, attribute))
            if changed:
                org.save(update_fields=[*changed, "updated_at"])
                report.organisations_updated += 1
        orgs[key] = org

    people: dict[str, User] = {}
    existing_people = {user.email: user for user in User.objects.filter(email__in=list(checker.people))}
    for email in checker.people:
        rows = [row for row in checker.rows if row.email == email]
        details = _person_details(rows, orgs)
        user = existing_people.get(email)
        updated = False
        if user is None:
            user = User.objects.create_user(email=email, password=None, **details)
            # Verified later: the person confirms the address when they first sign in.
            EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": False, "primary": True})
            report.people_created += 1
        else:
            # Keep what the person entered themselves (and their language): only fill what is empty.
            details.pop("language", None)
            empty = [name for name, value in details.items() if not _has_value(user, name)]
            for name in empty:
                setattr(user, name, details[name])
            if empty:
                user.save(update_fields=empty)
                updated = True
        tags = sorted({tag for row in rows for tag in row.expertise})
        current = {name.lower() for name in user.expertise.names()} if tags else set()
        new_tags = [tag for tag in tags if tag.lower() not in current]
        if new_tags:
            user.expertise.add(*new_tags)
            updated = True
        if updated and email in existing_people:
            report.people_updated += 1
        people[email] = user

    for row in checker.rows:
        if row.email and row.community is not None:
            _join(people[row.email], row, report, actor)
        if row.partner_role is not None:
            partnership, created = Partnership.objects.get_or_create(
                community=row.community, organization=orgs[row.org_key], role=row.partner_role
            )
            report.partnerships_created += int(created)
            present = set(partnership.dimension_values.values_list("pk", flat=True))
            new_values = [value for value in row.values if value.pk not in present]
            if new_values:
                partnership.dimension_values.add(*new_values)
                report.labels_added += len(new_values)


def _has_value(user: User, name: str) -> bool:
    if name == "organization":
        return user.organization_id is not None
    return bool(getattr(user, name))


def _person_details(rows: list[_Row], orgs: dict[tuple[str, str], Organization]) -> dict:
    """Return a person's details from their rows: the first non-empty value of each column wins."""
    details: dict = {}
    for attribute in ("full_name", "job_title", "country", "language"):
        value = next((getattr(row, attribute) for row in rows if getattr(row, attribute)), "")
        if value:
            details[attribute] = value
    org_key = next((row.org_key for row in rows if row.org_key), None)
    if org_key is not None:
        details["organization"] = orgs[org_key]
    if "language" not in details:
        community = next((row.community for row in rows if row.community is not None), None)
        if community is not None:
            details["language"] = community.default_language
    return details


def _join(user: User, row: _Row, report: ImportReport, actor) -> None:
    if row.group is not None:
        # A group's member belongs to its community: make sure of it, keeping any role held there.
        _ensure_membership(user, row.community, None, Membership.Role.MEMBER, report, actor, keep_role=True)
    _ensure_membership(user, row.community, row.group, row.role, report, actor)


def _ensure_membership(user, community, group, role, report: ImportReport, actor, *, keep_role=False) -> None:
    """Make user an active member of community or group with role (membership_grant records the event)."""
    before = Membership.objects.filter(user=user, community=community, group=group).values_list("role", "status")
    before = before.first()
    if keep_role and before is not None:
        role = before[0]
    if before == (role, Membership.Status.ACTIVE):
        return
    membership_grant(user=user, community=community, group=group, role=role, by=actor)
    if before is None:
        report.memberships_created += 1
    else:
        report.memberships_changed += 1
