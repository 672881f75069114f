"""Server-rendered SVG bar charts of report tables, readable without colour.

`bar_chart(table)` lays a table out as horizontal bars: one bar per row, the row's total
as its length (a "bars" table) or its columns stacked (a "stacked" table). Each series has
its own fill pattern as well as its own colour, a legend names the patterns, and the
numbers are written on the bars; the SVG carries a <title> and a <desc>, and the page
shows the table itself beside every chart. Geometry is computed here, drawn by
templates/reports/partials/_bar_chart.svg.html; the chart never needs JavaScript.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from members.typography import join_comma

from .tables import Table

WIDTH = 720
LABEL_WIDTH = 290
LABEL_CHARS = 40
BAR_HEIGHT = 20
BAR_GAP = 10
TOP = 10
RIGHT_ROOM = 50  # room for the total written after each bar
LEGEND_ROW = 22
LEGEND_COLUMNS = 3
MIN_LABELLED_SEGMENT = 22  # narrower segments keep their number in the table and the tooltip only

# (kind, colour, grey): kinds are drawn by the template's <pattern> definitions. The PDF renderer
# (svglib) ignores patterns, so a printed chart fills each series with its own shade of grey instead.
PATTERNS = [
    ("solid", "#1f5f8b", "#8a8a8a"),
    ("diagonal", "#a34700", "#d9d9d9"),
    ("dots", "#2e6b30", "#b0b0b0"),
    ("cross", "#6a3d8f", "#f2f2f2"),
    ("horizontal", "#333333", "#9d9d9d"),
    ("vertical", "#9c2f2f", "#c6c6c6"),
    ("backdiagonal", "#005f5f", "#e6e6e6"),
    ("checks", "#5c5c00", "#a6a6a6"),
]


@dataclass
class Segment:
    series: str
    value: int
    x: float
    width: float
    pattern: str
    grey: str
    show_value: bool
    text_x: float


@dataclass
class Bar:
    label: str
    short_label: str
    y: float
    text_y: float
    total: int | str
    total_x: float
    segments: list[Segment] = field(default_factory=list)


@dataclass
class LegendItem:
    label: str
    pattern: str
    grey: str
    x: float
    y: float

    @property
    def text_x(self) -> float:
        return round(self.x + 22, 2)

    @property
    def text_y(self) -> float:
        return round(self.y + 12, 2)


@dataclass
class Pattern:
    id: str
    kind: str
    colour: str
    grey: str


@dataclass
class Chart:
    id: str
    title: str
    desc: str
    width: int
    height: int
    label_width: int
    plot_left: int
    plot_bottom: float
    bars: list[Bar]
    patterns: list[Pattern]
    legend: list[LegendItem]

    def render(self, *, for_pdf: bool = False) -> str:
        return render_to_string("reports/partials/_bar_chart.svg.html", {"chart": self, "for_pdf": for_pdf})


def _short(label: str) -> str:
    """Shorten a long label in its middle, keeping both ends ("Nuove generazioni… Sud e Isole 2")."""
    if len(label) <= LABEL_CHARS:
        return label
    half = (LABEL_CHARS - 1) // 2
    return label[:half].rstrip() + "\u2026" + label[-half:].lstrip()


def _number(value) -> int:
    return value if isinstance(value, int) else 0


def bar_chart(table: Table, *, id_prefix: str = "chart") -> Chart | None:
    """Return the chart of table, or None when it has no chart or nothing to draw."""
    if not table.chart or not table.rows:
        return None
    stacked = table.chart == "stacked" and len(table.columns) > 2
    series = table.columns[:-1] if stacked else [table.columns[-1]]
    totals = [_number(row.values[-1]) for row in table.rows]
    if stacked:
        # A stacked bar is as long as the sum of its parts (an item in two columns shows twice).
        totals = [sum(_number(value) for value in row.values[:-1]) for row in table.rows]
    largest = max(totals, default=0)
    if largest <= 0:
        return None
    chart_id = f"{id_prefix}-{table.id}"
    patterns = [Pattern(f"{chart_id}-p{index}", *PATTERNS[index % len(PATTERNS)]) for index in range(len(series))]
    plot_width = WIDTH - LABEL_WIDTH - RIGHT_ROOM
    scale = plot_width / largest
    bars = []
    y = TOP
    for row, total in zip(table.rows, totals, strict=True):
        x = LABEL_WIDTH
        segments = []
        values = row.values[:-1] if stacked else [row.values[-1]]
        for index, value in enumerate(values):
            value = _number(value)
            if value <= 0:
                continue
            width = value * scale
            segments.append(
                Segment(
                    series=series[index],
                    value=value,
                    x=round(x, 2),
                    width=round(width, 2),
                    pattern=patterns[index].id,
                    grey=patterns[index].grey,
                    show_value=stacked and width >= MIN_LABELLED_SEGMENT,
                    text_x=round(x + width / 2, 2),
                )
            )
            x += width
        bars.append(
            Bar(
                label=row.label,
                short_label=_short(row.label),
                y=y,
                text_y=y + BAR_HEIGHT / 2 + 4,
                total=total,
                total_x=round(x + 6, 2),
                segments=segments,
            )
        )
        y += BAR_HEIGHT + BAR_GAP
    plot_bottom = y - BAR_GAP / 2
    legend = []
    if stacked:
        column_width = (WIDTH - 20) / LEGEND_COLUMNS
        legend_top = plot_bottom + 16
        for index, name in enumerate(series):
            legend.append(
                LegendItem(
                    label=_short(name),
                    pattern=patterns[index].id,
                    grey=patterns[index].grey,
                    x=round(10 + (index % LEGEND_COLUMNS) * column_width, 2),
                    y=legend_top + (index // LEGEND_COLUMNS) * LEGEND_ROW,
                )
            )
        height = legend_top + ((len(series) + LEGEND_COLUMNS - 1) // LEGEND_COLUMNS) * LEGEND_ROW + 6
    else:
        height = plot_bottom + 10
    return Chart(
        id=chart_id,
        title=table.title,
        desc=_describe(table, stacked=stacked, totals=totals),
        width=WIDTH,
        height=int(height),
        label_width=LABEL_WIDTH,
        plot_left=LABEL_WIDTH,
        plot_bottom=plot_bottom,
        bars=bars,
        patterns=patterns,
        legend=legend,
    )


def _describe(table: Table, *, stacked: bool, totals: list[int]) -> str:
    """Say in words what the chart draws; the table beside it gives every number."""
    if stacked:
        intro = _(
            "Horizontal stacked bar chart: one bar per %(rows)s, split by %(columns)s, each part with its own pattern."
        ) % {"rows": table.label_header.split(" \u00d7 ")[0].lower(), "columns": join_comma(table.columns[:-1])}
    else:
        intro = _("Horizontal bar chart: one bar per %(rows)s.") % {"rows": table.label_header.lower()}
    biggest = sorted(zip(totals, (row.label for row in table.rows), strict=True), key=lambda pair: -pair[0])[:3]
    leaders = "; ".join(f"{label}: {total}" for total, label in biggest if total)
    # Whole sentences for translators, outside the f-string so xgettext finds them.
    largest = _("Largest: %(leaders)s.") % {"leaders": leaders}
    table_note = _("The table next to the chart lists every figure.")
    return f"{intro} {largest} {table_note}"


def charts_for(tables: list[Table], *, id_prefix: str = "chart") -> dict[str, Chart]:
    """Return {table id: chart} for the tables that have a chart."""
    charts = {}
    for table in tables:
        chart = bar_chart(table, id_prefix=id_prefix)
        if chart is not None:
            charts[table.id] = chart
    return charts
