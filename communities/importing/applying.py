"""Importing a checked file: organisations, people, memberships and partnerships, in one transaction."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.db import transaction
from django.db.models import Max

from members import outbox
from members.models import Organization, User

from ..models import Membership, MembershipEvent, Partnership
from ..services import membership_grant
from .checking import _Checker, _OrgSpec, _Row
from .parsing import _read_rows
from .report import ImportReport


class _Rollback(Exception):
    """Raised inside the transaction of a dry run, so nothing it wrote stays."""


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
    new_accounts: set[int] = set()
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
            new_accounts.add(user.pk)
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

    joined: dict[int, list[Membership]] = {user.pk: [] for user in people.values()}
    for row in checker.rows:
        if row.email and row.community is not None:
            joined[people[row.email].pk] += _join(people[row.email], row, report, actor)
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

    for user in people.values():
        _tell(user, new_account=user.pk in new_accounts, memberships=joined[user.pk], report=report)


def _tell(user: User, *, new_account: bool, memberships: list[Membership], report: ImportReport) -> None:
    """Queue, in this transaction, the email that tells user what the import did for them.

    A new account is welcomed (with a link to set a password); a person who already had an
    account is told the communities and groups they were added to; nobody else hears anything,
    so importing the same file again sends nothing.
    """
    if not new_account and not memberships:
        return
    ids = sorted({membership.pk for membership in memberships})
    if new_account:
        task, key = "communities.send_import_welcome", f"import-welcome:{user.pk}"
        report.welcome_emails += 1
    else:
        # The latest event of these memberships tells this addition from an earlier one of the same places.
        latest = MembershipEvent.objects.filter(membership_id__in=ids).aggregate(latest=Max("pk"))["latest"]
        task, key = "communities.send_import_added", f"import-added:{user.pk}:{latest}"
        report.added_emails += 1
    outbox.enqueue(task, user.pk, ids, key, key=key)


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


def _join(user: User, row: _Row, report: ImportReport, actor) -> list[Membership]:
    """Make user a member as row says; return the memberships that were not active before."""
    added = []
    if row.group is not None:
        # A group's member belongs to its community: make sure of it, keeping any role held there.
        added.append(
            _ensure_membership(user, row.community, None, Membership.Role.MEMBER, report, actor, keep_role=True)
        )
    added.append(_ensure_membership(user, row.community, row.group, row.role, report, actor))
    return [membership for membership in added if membership is not None]


def _ensure_membership(
    user, community, group, role, report: ImportReport, actor, *, keep_role=False
) -> Membership | None:
    """Make user an active member of community or group with role (membership_grant records the event).

    Return the membership when the person was not an active member of it before (a role change is not news).
    """
    before = Membership.objects.filter(user=user, community=community, group=group).values_list("role", "status")
    before = before.first()
    if keep_role and before is not None:
        role = before[0]
    if before == (role, Membership.Status.ACTIVE):
        return None
    membership = membership_grant(user=user, community=community, group=group, role=role, by=actor)
    if before is None:
        report.memberships_created += 1
    else:
        report.memberships_changed += 1
    return None if before is not None and before[1] == Membership.Status.ACTIVE else membership
