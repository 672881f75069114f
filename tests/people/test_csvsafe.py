"""The one CSV writer of the portal keeps spreadsheet formulas out of every download."""

import csv
import io

from members.csvsafe import SafeWriter, csv_safe


def test_cells_a_spreadsheet_would_run_as_formulas_become_text_and_others_stay_as_they_are():
    out = io.StringIO(newline="")
    writer = SafeWriter(out)
    writer.writerow(['=HYPERLINK("http://evil")', "+1", "-2", "@SUM(A1)", "\tcmd", "\rx", "Ada", 3, None, -4, ""])
    writer.writerows([["a=b", "e-mail"]])
    rows = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    assert rows[0] == [
        '\'=HYPERLINK("http://evil")',
        "'+1",
        "'-2",
        "'@SUM(A1)",
        "'\tcmd",
        "'\rx",
        "Ada",
        "3",
        "",
        "-4",
        "",
    ]
    assert rows[1] == ["a=b", "e-mail"]
    assert csv_safe(-4) == -4  # numbers are numbers, not formulas
