"""Bulk onboarding: organisations and people, with their communities, groups, roles and labels, from CSV.

The whole file is checked first; every bad row is reported with its line number and
reason, and nothing is written unless every row is good (one transaction). Rows are
upserted (people by email, organisations by name and country), so importing the same
file twice creates nothing new. The columns are documented in COLUMNS, in the admin's
import page and in docs/import.md.

Imported people get an account with no usable password. Each new account is sent a
welcome email (in the person's language) with a link to set a password; a person who
already had an account is told the communities and groups they were added to. The
emails are queued in the import's transaction (a dry run sends nothing), and a second
import of the same file changes nothing, so it tells nobody anything.

One module per step: parsing (the columns and reading the CSV into numbered rows),
checking (every row against the database, before anything is written), applying
(import_people: the one transaction that writes it all, rolled back in a dry run) and
report (the errors and counts an import answers with).
"""

from .applying import import_people
from .parsing import COLUMN_NAMES, COLUMNS, MAX_ROWS, language_codes
from .report import ImportReport, RowError

__all__ = [
    "COLUMNS",
    "COLUMN_NAMES",
    "MAX_ROWS",
    "ImportReport",
    "RowError",
    "import_people",
    "language_codes",
]
