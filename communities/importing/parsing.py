"""The file's format (its columns, documented in COLUMNS) and reading it into rows with their line numbers."""

from __future__ import annotations

import csv
import io

from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .report import ImportReport, RowError

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
# The longest value each column may hold (the model fields' sizes; lists get room for several).
# A longer value is refused on its row, never cut: a cut name or address would be wrong.
COLUMN_LIMITS: dict[str, int] = {
    "email": 254,
    "full_name": 200,
    "job_title": 200,
    "country": 100,
    "language": 10,
    "expertise": 2000,
    "organisation": 200,
    "organisation_kind": 100,
    "organisation_country": 100,
    "organisation_region": 120,
    "organisation_city": 120,
    "organisation_website": 200,
    "community": 60,
    "group": 80,
    "role": 40,
    "partner_role": 120,
    "dimension_values": 2000,
}


def language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def _read_rows(text: str, report: ImportReport) -> list[tuple[int, dict[str, str]]]:
    """Parse the CSV text into (line number, row) pairs; header problems are reported at line 1."""
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    # strict: an unclosed quote, or text after a closing quote, refuses the file at that line
    # instead of swallowing the rest of the file into one cell.
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
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
        row = {name: (cells[i].strip() if i < len(cells) else "") for i, name in enumerate(names)}
        if not _cells_fit(start, row, report):
            continue
        rows.append((start, row))
        if len(rows) > MAX_ROWS:
            report.errors.append(RowError(start, gettext("Import at most %d rows at a time.") % MAX_ROWS))
            break
    return rows


def _cells_fit(line: int, row: dict[str, str], report: ImportReport) -> bool:
    """Report the NUL bytes and over-long values of row; return whether it has none."""
    fits = True
    for name, value in row.items():
        if "\x00" in value:
            report.errors.append(
                RowError(line, gettext("%(column)s holds a NUL character: is this a text file?") % {"column": name})
            )
            fits = False
        elif len(value) > COLUMN_LIMITS.get(name, 200):
            report.errors.append(
                RowError(
                    line,
                    gettext("%(column)s is longer than %(limit)d characters.")
                    % {"column": name, "limit": COLUMN_LIMITS.get(name, 200)},
                )
            )
            fits = False
    return fits
