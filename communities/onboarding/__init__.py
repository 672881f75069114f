"""Inviting many people at once from the console: a pasted list of addresses or a CSV file.

parsing reads the text into numbered rows (pure: no database); checking plans every row
against the database (who is already a member or invited, which group, role, language and
organisation) without writing; communities.services.onboarding applies a plan that has no
error, in one transaction. The console previews the plan, then confirms it.
"""

from .checking import Plan, PlannedRow, plan_invitations
from .parsing import CSV_COLUMNS, MAX_BYTES, MAX_ROWS, RawRow, looks_like_csv, read_rows

__all__ = [
    "CSV_COLUMNS",
    "MAX_BYTES",
    "MAX_ROWS",
    "Plan",
    "PlannedRow",
    "RawRow",
    "looks_like_csv",
    "plan_invitations",
    "read_rows",
]
