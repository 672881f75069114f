"""Read what a report page shows, to compare it with the downloads."""

from html.parser import HTMLParser


class _TableReader(HTMLParser):
    def __init__(self, table_id: str):
        super().__init__()
        self.table_id = table_id
        self.inside = False
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and attrs.get("data-table-id") == self.table_id:
            self.inside = True
        elif self.inside and tag == "tr":
            self.rows.append([])
        elif self.inside and tag in {"td", "th"}:
            self.cell = []

    def handle_endtag(self, tag):
        if tag == "table" and self.inside:
            self.inside = False
        elif self.inside and tag in {"td", "th"} and self.cell is not None:
            self.rows[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def page_table(html: str, table_id: str) -> list[list[str]]:
    """Return the cells of the page's table data-table-id=table_id, as text, header row first."""
    reader = _TableReader(table_id)
    reader.feed(html)
    return reader.rows


def as_text(rows) -> list[list[str]]:
    return [[str(value) for value in row] for row in rows]
