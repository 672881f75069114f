"""CSV and Excel downloads of report tables, written from the same Table objects the page renders.

A download holds exactly the header, rows and total row the page shows. The one change:
a text cell that a spreadsheet would run as a formula (it starts with =, +, -, @) is
written as plain text (a leading apostrophe in CSV, a text cell in Excel).
"""

from __future__ import annotations

import io
import re

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from members.csvsafe import SafeWriter

from .tables import Table

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def table_csv(table: Table) -> str:
    """Return table as CSV text: the header, then every row, then the total row."""
    out = io.StringIO()
    writer = SafeWriter(out, lineterminator="\r\n")
    for line in table.as_lists():
        writer.writerow(line)
    return out.getvalue()


def _sheet_title(title: str, used: set[str]) -> str:
    """Return a valid, unique worksheet name (at most 31 characters, none of []:*?/\\)."""
    base = re.sub(r"[\[\]:*?/\\]", " ", title).strip()[:31] or "Table"
    name, number = base, 2
    while name.lower() in used:
        suffix = f" ({number})"
        name = base[: 31 - len(suffix)] + suffix
        number += 1
    used.add(name.lower())
    return name


def tables_workbook(tables: list[Table]) -> bytes:
    """Return an Excel workbook with one sheet per table: header, rows and total row, as on the page."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    used: set[str] = set()
    bold = Font(bold=True)
    for table in tables:
        sheet = workbook.create_sheet(_sheet_title(table.title, used))
        lines = table.as_lists()
        for row_index, line in enumerate(lines, start=1):
            for column_index, value in enumerate(line, start=1):
                cell = sheet.cell(row=row_index, column=column_index, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"  # never a formula, whatever the text starts with
                if row_index == 1 or column_index == 1:
                    cell.font = bold
                if row_index == 1:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
        if table.total is not None:
            for cell in sheet[len(lines)]:
                cell.font = bold
        sheet.freeze_panes = "B2"
        for column_index in range(1, len(lines[0]) + 1):
            widest = max(len(str(line[column_index - 1])) for line in lines if column_index - 1 < len(line))
            sheet.column_dimensions[get_column_letter(column_index)].width = min(max(10, widest + 2), 60)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def csv_response(table: Table, *, filename: str) -> HttpResponse:
    # A byte-order mark lets spreadsheet programs read accented names as UTF-8.
    return _attachment(HttpResponse("\ufeff" + table_csv(table), content_type=CSV_TYPE), filename)


def xlsx_response(tables: list[Table], *, filename: str) -> HttpResponse:
    return _attachment(HttpResponse(tables_workbook(tables), content_type=XLSX_TYPE), filename)
