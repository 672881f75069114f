"""Planning a batch of invitations: every row checked against the database, nothing written.

A plan says, row by row, what is wrong (an error: nobody is invited until it is fixed), what
is worth knowing (a warning: an organisation not in the list) and what will happen (an
invitation sent, an expired one renewed, or nothing because the person is already a member or
already invited). The queries are a fixed handful, however long the list.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models.functions import Lower
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from members.models import Organization, User

from .. import permissions
from ..models import Community, Group, Invitation, Membership
from ..notifications import invitation_language
from ..selectors import GROUP_ROLES
from .parsing import BatchError, RawRow, read_rows


class Outcome:
    INVITE = "invite"
    RENEW = "renew"
    INVITED = "invited"
    MEMBER = "member"
    NONE = ""

    LABELS = {
        INVITE: gettext_lazy("An invitation will be sent."),
        RENEW: gettext_lazy("The earlier invitation expired: a new one will be sent."),
        INVITED: gettext_lazy("Already invited: the open invitation will not be sent again."),
        MEMBER: gettext_lazy("Already a member: nothing to do."),
        NONE: gettext_lazy("Nobody is invited until this row is corrected."),
    }


@dataclass
class PlannedRow:
    """One row of a batch as checked: who, into where, as what, in which language, and what will happen."""

    line: int
    text: str
    email: str
    name: str = ""
    organisation_text: str = ""
    organization: Organization | None = None
    group: Group | None = None
    role: str = Membership.Role.MEMBER
    language: str = ""
    email_language: str = ""
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    outcome: str = Outcome.NONE

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def will_send(self) -> bool:
        return self.ok and self.outcome in (Outcome.INVITE, Outcome.RENEW)

    @property
    def outcome_label(self) -> str:
        return str(Outcome.LABELS[self.outcome if self.ok else Outcome.NONE])

    @property
    def role_label(self) -> str:
        return str(Membership.Role(self.role).label) if self.role in Membership.Role.values else self.role

    @property
    def email_language_name(self) -> str:
        return str(dict(settings.LANGUAGES).get(self.email_language, self.email_language))


@dataclass
class Plan:
    """A checked batch: its rows, or the one reason the text as a whole cannot be read."""

    source: str = "list"
    rows: list[PlannedRow] = field(default_factory=list)
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error and bool(self.rows) and all(row.ok for row in self.rows)

    @property
    def rows_with_errors(self) -> list[PlannedRow]:
        return [row for row in self.rows if not row.ok]

    @property
    def to_send(self) -> list[PlannedRow]:
        return [row for row in self.rows if row.will_send]

    @property
    def skipped(self) -> list[PlannedRow]:
        return [row for row in self.rows if row.ok and not row.will_send]


def _language_names() -> dict[str, str]:
    """Return every way a language may be written (code, English name, own-language name) -> code."""
    names = {code: code for code, _name in settings.LANGUAGES}
    for code, name in settings.LANGUAGES:
        names[str(name).casefold()] = code
        with translation.override(code):
            names[str(dict(settings.LANGUAGES)[code]).casefold()] = code
        with translation.override("en"):
            names[str(name).casefold()] = code
    return names


def _role_names() -> dict[str, str]:
    names = {code: code for code in Membership.Role.values}
    for code, label in Membership.Role.choices:
        names[str(label).casefold()] = code
        with translation.override("en"):
            names[str(label).casefold()] = code
    return names


class _Checker:
    """Load what the batch touches once, then check each row against it."""

    def __init__(self, *, community: Community, by, rows: list[RawRow], default_group, default_role: str):
        self.community = community
        self.by = by
        self.default_group = default_group
        self.default_role = default_role
        self.is_coordinator = permissions.can_manage(by, community)
        self.groups = list(Group.objects.filter(community=community))
        managed = set(Group.objects.managed_by(by).filter(community=community).values_list("pk", flat=True))
        self.managed_ids = {group.pk for group in self.groups} if self.is_coordinator else managed
        self.group_names: dict[str, Group] = {}
        for group in self.groups:
            self.group_names.setdefault(group.slug.casefold(), group)
            self.group_names.setdefault(" ".join(group.name.split()).casefold(), group)
        self.languages = _language_names()
        self.roles = _role_names()
        emails = {row.email for row in rows if row.email}
        self.members = set(
            Membership.objects.active()
            .filter(community=community)
            .annotate(email=Lower("user__email"))
            .filter(email__in=emails)
            .values_list("email", "group_id")
        )
        now = timezone.now()
        self.invitations = {
            (invitation.email, invitation.group_id): invitation
            for invitation in Invitation.objects.open().filter(community=community, email__in=emails)
        }
        self.now = now
        self.accounts = {
            user.lower_email: user
            for user in User.objects.annotate(lower_email=Lower("email")).filter(lower_email__in=emails)
        }
        org_names = {row.organisation.casefold() for row in rows if row.organisation}
        self.organisations: dict[str, list[Organization]] = {}
        if org_names:
            verified = Organization.objects.filter(is_verified=True).annotate(lower_name=Lower("name"))
            for organisation in verified.filter(lower_name__in=org_names).order_by("pk"):
                self.organisations.setdefault(organisation.name.casefold(), []).append(organisation)
        self.seen: dict[tuple[str, int | None], int] = {}

    def check(self, raw: RawRow) -> PlannedRow:
        row = PlannedRow(
            line=raw.line,
            text=raw.text,
            email=raw.email,
            name=raw.name,
            organisation_text=raw.organisation,
            errors=list(raw.errors),
        )
        if not row.errors:
            try:
                validate_email(row.email)
            except ValidationError:
                row.errors.append(_("Not a valid email address: %(email)s.") % {"email": row.email or raw.text})
        if len(row.name) > 200:
            row.errors.append(_("The name is longer than 200 characters."))
        self._group(row, raw.group)
        self._role(row, raw.role)
        self._language(row, raw.language)
        self._organisation(row)
        if row.errors:
            return row
        key = (row.email, row.group.pk if row.group else None)
        if key in self.seen:
            row.errors.append(_("This address is already on line %(line)d of the list.") % {"line": self.seen[key]})
            return row
        self.seen[key] = row.line
        row.email_language = invitation_language(
            chosen=row.language, account=self.accounts.get(row.email), community=self.community
        )
        invitation = self.invitations.get(key)
        if key in self.members:
            row.outcome = Outcome.MEMBER
        elif invitation is not None and invitation.expires_at > self.now:
            row.outcome = Outcome.INVITED
        elif invitation is not None:
            row.outcome = Outcome.RENEW
        else:
            row.outcome = Outcome.INVITE
        return row

    def _group(self, row: PlannedRow, text: str) -> None:
        text = " ".join(text.split())
        group = self.group_names.get(text.casefold()) if text else self.default_group
        if text and group is None:
            row.errors.append(_("Unknown group: %(group)s.") % {"group": text})
            return
        if group is None:
            if not self.is_coordinator:
                row.errors.append(_("You may invite people only into the groups you facilitate: name one."))
            return
        if group.pk not in self.managed_ids:
            row.errors.append(
                _("You may not invite people into %(group)s: only into the groups you facilitate.")
                % {"group": group.name}
            )
        elif group.is_archived:
            row.errors.append(_("%(group)s is archived: nobody joins it any more.") % {"group": group.name})
        row.group = group

    def _role(self, row: PlannedRow, text: str) -> None:
        text = " ".join(text.split()).casefold()
        role = self.roles.get(text) if text else self.default_role
        if role is None:
            row.errors.append(_("Unknown role: %(role)s (use member, facilitator or coordinator).") % {"role": text})
            return
        row.role = role
        if row.group is not None and role not in GROUP_ROLES:
            row.errors.append(_("In a group, a person is a member or a facilitator."))
        elif row.group is None and not self.is_coordinator:
            pass  # the group error says it already
        elif not self.is_coordinator and role not in GROUP_ROLES:
            row.errors.append(_("Only a coordinator may invite a coordinator."))

    def _language(self, row: PlannedRow, text: str) -> None:
        text = " ".join(text.split()).casefold()
        if not text:
            return
        language = self.languages.get(text) or self.languages.get(text.split("-")[0].split("_")[0])
        if language is None:
            row.errors.append(
                _("Unknown language: %(language)s (use one of %(codes)s).")
                % {"language": text, "codes": ", ".join(code for code, _name in settings.LANGUAGES)}
            )
            return
        row.language = language

    def _organisation(self, row: PlannedRow) -> None:
        if not row.organisation_text:
            return
        found = self.organisations.get(row.organisation_text.casefold(), [])
        if len(found) == 1:
            row.organization = found[0]
        elif found:
            row.warnings.append(
                _("Several organisations are called %(name)s: the invitation names none of them.")
                % {"name": row.organisation_text}
            )
        else:
            row.warnings.append(
                _("%(name)s is not in the list of organisations: the invitation names no organisation.")
                % {"name": row.organisation_text}
            )


def plan_invitations(
    *, community: Community, by, text: str, default_group: Group | None = None, default_role: str = ""
) -> Plan:
    """Check every row of text (a pasted list or CSV) for a batch of invitations into community; write nothing.

    default_group and default_role apply to rows that name none (a pasted list names neither).
    """
    try:
        source, raw_rows = read_rows(text)
    except BatchError as error:
        return Plan(error=str(error))
    plan = Plan(source=source)
    if not raw_rows:
        plan.error = _("The list is empty: paste at least one address, or choose a CSV file.")
        return plan
    checker = _Checker(
        community=community,
        by=by,
        rows=raw_rows,
        default_group=default_group,
        default_role=default_role or Membership.Role.MEMBER,
    )
    plan.rows = [checker.check(raw) for raw in raw_rows]
    return plan
