"""Bulk onboarding: organisations and people, with their communities, groups, roles and labels, from CSV.

The whole file is checked first; every bad row is reported with its line number and
reason, and nothing is written unless every row is good (one transaction). Rows are
upserted (people by email, organisations by name and country), so importing the same
file twice creates nothing new. The columns are documented in COLUMNS, in the admin's
import page and in docs/import.md.

Imported people get an account with no usable password: they sign in through
"Forgot your password?" (or an invitation) and confirm their email address then.
"""

from .checking import (
    COLUMN_NAMES,
    COLUMNS,
    MAX_ROWS,
    ImportReport,
    RowError,
    import_people,
    language_codes,
)

__all__ = [
    "COLUMNS",
    "COLUMN_NAMES",
    "MAX_ROWS",
    "ImportReport",
    "RowError",
    "import_people",
    "language_codes",
]
