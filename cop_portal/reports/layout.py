"""What the report pages and the PDF lay out: the tables by section, each with its chart."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from .charts import charts_for
from .pdf import pdf_font, svg_data_uri
from .selectors import section_titles


def report_url(community, period_query: dict, name: str = "reports:index", **extra) -> str:
    url = reverse(name, kwargs={"community_slug": community.slug})
    query = {**period_query, **extra}
    return f"{url}?{urlencode(query)}" if query else url


def sections(tables, charts, images=None):
    """Return the tables by section, each with its chart (and, for the PDF, the chart as an image)."""
    titles = section_titles()
    images = images or {}
    found: dict[str, dict] = {}
    for table in tables:
        section = found.setdefault(
            table.section, {"id": table.section, "title": titles.get(table.section, ""), "entries": []}
        )
        section["entries"].append({"table": table, "chart": charts.get(table.id), "image": images.get(table.id, "")})
    return list(found.values())


def print_context(community, period, tables, counted_at, *, for_pdf: bool) -> dict:
    """Return the context of the printable report (reports/report_print.html), for the page or the PDF."""
    charts = charts_for(tables, id_prefix="print")
    images = {}
    if for_pdf:
        images = {table_id: svg_data_uri(chart.render(for_pdf=True)) for table_id, chart in charts.items()}
    return {
        "community": community,
        "period": period,
        "sections": sections(tables, charts, images),
        "for_pdf": for_pdf,
        "pdf_font": pdf_font() if for_pdf else None,
        "generated_at": timezone.now(),
        "counted_at": counted_at,
        "report_url": report_url(community, period.query()),
        "pdf_url": report_url(community, period.query(), "reports:pdf"),
    }
