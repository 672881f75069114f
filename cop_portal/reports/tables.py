"""The tables of a report, and the generic builders that count them in the database.

A `Table` is what a report page renders, what its chart draws and what the CSV and Excel
exports write: the page and the downloads read the same object, so a download holds
exactly what the page shows.

`pivot(queryset, rows, cols)` counts a queryset along two axes with one grouped query
(values().annotate(Count)), plus one query for each margin and one for the grand total:
the margins are counted by the database too, so an item with two themes counts once in
its row's total even though it appears in two columns.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Expression, F, Min, QuerySet
from django.utils.translation import gettext as _

Key = Any


@dataclass
class Row:
    """One line of a table: its label (a row header) and its cells, in column order."""

    label: str
    values: list[Any]
    href: str = ""
    key: Key = None


@dataclass
class Table:
    """A titled table of counts: the unit the page renders, the chart draws and the exports write."""

    id: str
    title: str
    columns: list[str]  # headers of the value columns (the label column's header is `label_header`)
    rows: list[Row]
    label_header: str = ""
    total: Row | None = None
    description: str = ""
    chart: str = ""  # "" (no chart), "bars" (the last column) or "stacked" (every column but the total)
    section: str = ""
    empty_message: str = ""

    def header(self) -> list[str]:
        return [self.label_header, *self.columns]

    def body(self) -> list[list[Any]]:
        """Return the rows as lists (label first), then the total row when there is one."""
        lines = [[row.label, *row.values] for row in self.rows]
        if self.total is not None:
            lines.append([self.total.label, *self.total.values])
        return lines

    def as_lists(self) -> list[list[Any]]:
        """Return the header and every row, as the exports write them."""
        return [self.header(), *self.body()]

    @property
    def is_empty(self) -> bool:
        return not self.rows


@dataclass(frozen=True)
class Axis:
    """One side of a pivot: how to find each object's key, and how to order and name the keys.

    key is a values() path ("kind", "group_id", "themes__name") or an expression (a
    Subquery). choices lists (key, label) in display order; keys the query finds that are
    not among them follow, named by `label_of` (default: the key itself). Objects without a
    key (None) come last under `empty_label`. With show_unused, choices nobody has appear
    with zeros, so a report lists every group, even those that met no one.
    """

    label: str
    key: str | Expression
    choices: Sequence[tuple[Key, str]] | None = None
    label_of: Callable[[Key], str] | None = None
    empty_label: str = ""
    show_unused: bool = True
    show_empty: bool = True
    first_by: str = ""  # order keys outside the choices by their first row's value of this field (e.g. "start")

    def expression(self) -> Expression:
        return F(self.key) if isinstance(self.key, str) else self.key

    def ordered(self, found: Sequence[Key], first: dict[Key, Any] | None = None) -> list[tuple[Key, str]]:
        """Return the keys to show, in order, with their labels: the choices, then other keys found, then None.

        Keys outside the choices come by label, or by `first` (their first value of first_by) when given.
        """
        choices = list(self.choices or [])
        known = {key for key, _label in choices}
        found_set = set(found)
        result = [(key, label) for key, label in choices if self.show_unused or key in found_set]
        extra = [key for key in found_set if key is not None and key not in known]
        label_of = self.label_of or (lambda key: str(key))
        labelled = [(key, label_of(key)) for key in extra]
        if first:
            result += sorted(labelled, key=lambda pair: (first.get(pair[0]) is None, first.get(pair[0]), pair[1]))
        else:
            result += sorted(labelled, key=lambda pair: str(pair[1]).casefold())
        if None in found_set and self.show_empty:
            result.append((None, self.empty_label or _("None")))
        return result


@dataclass
class Pivot:
    """Counts of a queryset along two axes, with margins counted by the database."""

    rows: list[tuple[Key, str]]
    cols: list[tuple[Key, str]]
    cells: dict[tuple[Key, Key], int] = field(default_factory=dict)
    row_totals: dict[Key, int] = field(default_factory=dict)
    col_totals: dict[Key, int] = field(default_factory=dict)
    total: int = 0

    def cell(self, row: Key, col: Key) -> int:
        return self.cells.get((row, col), 0)


# Within shared_queries(), the same query is sent to the database once: the background count builds
# the tables in every language, and only labels differ between them.
_shared: ContextVar[dict | None] = ContextVar("report_shared_queries", default=None)


@contextmanager
def shared_queries() -> Iterator[None]:
    """Answer a repeated report query from the first answer, until the block ends."""
    token = _shared.set({})
    try:
        yield
    finally:
        _shared.reset(token)


def _remembered(kind: str, queryset: QuerySet, extra: str, compute: Callable[[], Any]) -> Any:
    memo = _shared.get()
    if memo is None:
        return compute()
    try:
        key = (kind, str(queryset.query), extra)
    except Exception:  # a query Django cannot print (it matches nothing): not shared
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def aggregate(queryset: QuerySet, label: str = "", /, **aggregates: Expression) -> dict[str, Any]:
    """queryset.aggregate(**aggregates), shared within shared_queries().

    Two calls are the same query when their querysets print the same SQL and they ask for the
    same names (plus label): name what you count differently when it differs.
    """
    extra = label + ":" + ",".join(sorted(aggregates))
    return _remembered("aggregate", queryset, extra, lambda: queryset.aggregate(**aggregates))


def remembered_list(queryset: QuerySet) -> list:
    """list(queryset), shared within shared_queries() (rows the tables name, the same in every language)."""
    return _remembered("list", queryset, "", lambda: list(queryset))


def _grouped(queryset: QuerySet, count: str, *, first_by: str = "", **keys: Expression) -> list[dict]:
    extra = {"first": Min(first_by)} if first_by else {}
    grouped = queryset.annotate(**keys).values(*keys).annotate(n=Count(count, distinct=True), **extra).order_by()
    return _remembered("grouped", grouped, "", lambda: list(grouped))


def pivot(queryset: QuerySet, rows: Axis, cols: Axis, *, count: str = "pk") -> Pivot:
    """Count distinct `count` of queryset for every (row key, column key), with margins; four queries."""
    queryset = queryset.order_by()
    cells = {
        (line["_row"], line["_col"]): line["n"]
        for line in _grouped(queryset, count, _row=rows.expression(), _col=cols.expression())
    }
    row_lines = _grouped(queryset, count, first_by=rows.first_by, _row=rows.expression())
    col_lines = _grouped(queryset, count, first_by=cols.first_by, _col=cols.expression())
    row_totals = {line["_row"]: line["n"] for line in row_lines}
    col_totals = {line["_col"]: line["n"] for line in col_lines}
    total = aggregate(queryset, count, n=Count(count, distinct=True))["n"] or 0
    return Pivot(
        rows=rows.ordered(list(row_totals), {line["_row"]: line.get("first") for line in row_lines}),
        cols=cols.ordered(list(col_totals), {line["_col"]: line.get("first") for line in col_lines}),
        cells=cells,
        row_totals=row_totals,
        col_totals=col_totals,
        total=total,
    )


def count_by(queryset: QuerySet, axis: Axis, *, count: str = "pk") -> tuple[list[tuple[Key, str, int]], int]:
    """Return [(key, label, count)] of queryset along one axis, and the distinct total; two queries."""
    queryset = queryset.order_by()
    lines = _grouped(queryset, count, first_by=axis.first_by, _row=axis.expression())
    counts = {line["_row"]: line["n"] for line in lines}
    total = aggregate(queryset, count, n=Count(count, distinct=True))["n"] or 0
    first = {line["_row"]: line.get("first") for line in lines}
    return [(key, label, counts.get(key, 0)) for key, label in axis.ordered(list(counts), first)], total


def pivot_table(
    queryset: QuerySet,
    rows: Axis,
    cols: Axis,
    *,
    id: str,  # noqa: A002 - the table's id, as in ?table=<id>
    title: str,
    count: str = "pk",
    description: str = "",
    chart: str = "stacked",
    section: str = "",
    href: Callable[[Key], str] | None = None,
) -> Table:
    """Build the Table of a pivot: a row per row key, a column per column key, totals on both sides."""
    result = pivot(queryset, rows, cols, count=count)
    table_rows = [
        Row(
            label=label,
            key=key,
            values=[result.cell(key, col) for col, _col_label in result.cols] + [result.row_totals.get(key, 0)],
            href=href(key) if href and key is not None else "",
        )
        for key, label in result.rows
    ]
    total = Row(
        label=_("Total"), values=[result.col_totals.get(col, 0) for col, _label in result.cols] + [result.total]
    )
    return Table(
        id=id,
        title=title,
        label_header=f"{rows.label} \u00d7 {cols.label}",
        columns=[label for _key, label in result.cols] + [_("Total")],
        rows=table_rows,
        total=total,
        description=description,
        chart=chart if result.cols else "",
        section=section,
    )


def count_table(
    queryset: QuerySet,
    axis: Axis,
    *,
    id: str,  # noqa: A002
    title: str,
    value_label: str,
    count: str = "pk",
    description: str = "",
    chart: str = "bars",
    section: str = "",
    href: Callable[[Key], str] | None = None,
) -> Table:
    """Build the Table of counts along one axis, with the distinct total as its last row."""
    counts, total = count_by(queryset, axis, count=count)
    return Table(
        id=id,
        title=title,
        label_header=axis.label,
        columns=[value_label],
        rows=[
            Row(label=label, key=key, values=[n], href=href(key) if href and key is not None else "")
            for key, label, n in counts
        ],
        total=Row(label=_("Total"), values=[total]),
        description=description,
        chart=chart,
        section=section,
    )
