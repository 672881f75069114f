"""Reading a pasted list of addresses or a CSV file into numbered rows; no database."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

# A batch is bounded, so a preview stays readable and a confirm stays one short transaction.
MAX_ROWS = 2000
MAX_BYTES = 1024 * 1024
CSV_COLUMNS = ("name", "email", "organisation", "group", "role", "language")
# Other spellings people write in a header row.
COLUMN_ALIASES = {
    "full_name": "name",
    "full name": "name",
    "organization": "organisation",
    "e-mail": "email",
    "email address": "email",
}
SEPARATORS = {",", ";", "\n"}


@dataclass
class RawRow:
    """One person as written: the line it came from, what it says, and what cannot be read in it."""

    line: int
    text: str = ""
    name: str = ""
    email: str = ""
    organisation: str = ""
    group: str = ""
    role: str = ""
    language: str = ""
    errors: list[str] = field(default_factory=list)


class BatchError(ValueError):
    """The text as a whole cannot be read (too large, too many rows, a bad CSV header); nothing is planned."""


def _split_entries(text: str) -> list[tuple[int, str]]:
    """Split pasted text on new lines, commas and semicolons outside quotes and <…>; return (line, entry)."""
    entries: list[tuple[int, str]] = []
    current: list[str] = []
    line = start = 1
    quoted = angled = False
    for char in text:
        if char == '"' and not angled:
            quoted = not quoted
        elif char == "<" and not quoted:
            angled = True
        elif char == ">" and not quoted:
            angled = False
        if char in SEPARATORS and (char == "\n" or not (quoted or angled)):
            entry = "".join(current).strip()
            if entry:
                entries.append((start, entry))
            current = []
            if char == "\n":
                line += 1
                quoted = angled = False
            start = line
            continue
        current.append(char)
    entry = "".join(current).strip()
    if entry:
        entries.append((start, entry))
    return entries


NAMED_ADDRESS = re.compile(r"^(?P<name>.*?)\s*<(?P<address>[^<>]*)>$", re.DOTALL)


def _read_address(line: int, entry: str) -> RawRow:
    """Read "Name <email>", "email" or '"Surname, Name" <email>' into a row."""
    named = NAMED_ADDRESS.match(entry)
    name, address = (named["name"].strip().strip('"').strip(), named["address"]) if named else ("", entry)
    row = RawRow(line=line, text=entry, name=" ".join(name.split()), email=address.strip().lower())
    if not row.email or "@" not in row.email or any(char.isspace() or char in '<>"' for char in row.email):
        row.errors.append(_("Not an email address: %(text)s.") % {"text": entry})
    return row


def looks_like_csv(text: str) -> bool:
    """Return whether text opens with a CSV header row (a line naming an email column)."""
    first = next((line for line in text.lstrip("\ufeff").splitlines() if line.strip()), "")
    delimiter = ";" if first.count(";") > first.count(",") else ","
    cells = [cell.strip().strip('"').strip().lower() for cell in first.split(delimiter)]
    return len(cells) > 1 and any(COLUMN_ALIASES.get(cell, cell) == "email" for cell in cells)


def _read_csv(text: str) -> list[RawRow]:
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = ";" if first.count(";") > first.count(",") else ","
    # strict: an unclosed quote, or text after a closing quote, refuses the file at that line.
    reader = csv.reader(io.StringIO(text.lstrip("\n")), delimiter=delimiter, strict=True)
    try:
        header = next(reader, [])
    except csv.Error as error:
        raise BatchError(_("The file cannot be read as CSV (%(error)s).") % {"error": error}) from None
    names = [COLUMN_ALIASES.get(cell.strip().lower(), cell.strip().lower()) for cell in header]
    unknown = [name for name in names if name and name not in CSV_COLUMNS]
    if unknown:
        raise BatchError(
            _("Unknown columns: %(unknown)s. The columns are: %(known)s.")
            % {"unknown": ", ".join(unknown), "known": ", ".join(CSV_COLUMNS)}
        )
    repeated = sorted({name for name in names if name and names.count(name) > 1})
    if repeated:
        raise BatchError(_("Repeated columns: %(columns)s.") % {"columns": ", ".join(repeated)})
    rows: list[RawRow] = []
    line = reader.line_num
    while True:
        start = line + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            raise BatchError(
                _("Line %(line)d cannot be read as CSV (%(error)s).") % {"line": start, "error": error}
            ) from None
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        values = {name: (cells[i].strip() if i < len(cells) else "") for i, name in enumerate(names) if name}
        row = RawRow(
            line=start,
            text=delimiter.join(cells),
            name=" ".join(values.get("name", "").split()),
            email=values.get("email", "").strip().lower(),
            organisation=" ".join(values.get("organisation", "").split()),
            group=values.get("group", ""),
            role=values.get("role", ""),
            language=values.get("language", ""),
        )
        if len(cells) > len(names):
            row.errors.append(
                _("This row has %(cells)d cells but the header names %(columns)d columns.")
                % {"cells": len(cells), "columns": len(names)}
            )
        if not row.email:
            row.errors.append(_("The email address is missing."))
        elif "<" in row.email or any(char.isspace() for char in row.email):
            row.errors.append(_("Not an email address: %(text)s.") % {"text": row.email})
        rows.append(row)
        _check_count(rows)
    return rows


def _check_count(rows: list) -> None:
    if len(rows) > MAX_ROWS:
        raise BatchError(_("Invite at most %(count)d people at a time: split the list.") % {"count": MAX_ROWS})


def read_rows(text: str) -> tuple[str, list[RawRow]]:
    """Return ("csv" or "list", the rows of text); raise BatchError when the text as a whole cannot be read."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    if len(text.encode()) > MAX_BYTES:
        raise BatchError(_("The list is larger than 1 MB: split it in parts."))
    if looks_like_csv(text):
        return "csv", _read_csv(text)
    rows = [_read_address(line, entry) for line, entry in _split_entries(text)]
    _check_count(rows)
    return "list", rows
