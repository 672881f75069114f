"""What an import found and did: the errors, each with its line, and the counts."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext


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
    welcome_emails: int = 0
    added_emails: int = 0

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
            (gettext("welcome emails to new accounts"), self.welcome_emails),
            (gettext("emails to people who already had an account"), self.added_emails),
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
