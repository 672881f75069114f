"""Report pages of a community (coordinators only), its open data (public communities) and the network map."""

from __future__ import annotations

from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communities.access import deny, door

from . import network as network_selectors
from . import opendata, opendata_store
from .cache import MAX_AGE, report_invalidate, report_tables
from .charts import charts_for
from .exports import csv_response, xlsx_response
from .pdf import PdfError, html_to_pdf, pdf_font, svg_data_uri
from .periods import PeriodForm, period_from_request
from .selectors import section_titles

EXPORT_FORMATS = {"csv", "xlsx"}


# The community's coordinators only: anonymous visitors are sent to sign in, anyone else gets 404.
coordinators_only = door("manage")


def _report_url(community, period_query: dict, name: str = "reports:index", **extra) -> str:
    url = reverse(name, kwargs={"community_slug": community.slug})
    query = {**period_query, **extra}
    return f"{url}?{urlencode(query)}" if query else url


def _sections(tables, charts, images=None):
    """Return the tables by section, each with its chart (and, for the PDF, the chart as an image)."""
    titles = section_titles()
    images = images or {}
    sections: dict[str, dict] = {}
    for table in tables:
        section = sections.setdefault(
            table.section, {"id": table.section, "title": titles.get(table.section, ""), "entries": []}
        )
        section["entries"].append({"table": table, "chart": charts.get(table.id), "image": images.get(table.id, "")})
    return list(sections.values())


def _file_name(community, period, what: str, extension: str) -> str:
    return f"{community.slug}-{what}-{period.slug()}.{extension}"


@coordinators_only
def report(request, community):
    """Show the community's activity over a period, its pivot tables and charts; ?format=csv|xlsx downloads."""
    form, period = period_from_request(request)
    export_format = request.GET.get("format", "")
    if export_format:
        return _export(request, community, form, period, export_format, request.GET.get("table", ""))
    tables, counted_at = report_tables(community=community, period=period)
    context = {
        "community": community,
        "form": form,
        "period": period,
        "counted_at": counted_at,
        "max_age_minutes": int(MAX_AGE.total_seconds() // 60),
        "recount_url": reverse("reports:recount", kwargs={"community_slug": community.slug}),
        "sections": _sections(tables, charts_for(tables)),
        "period_query": urlencode(period.query()),
        "print_url": _report_url(community, period.query(), "reports:print"),
        "pdf_url": _report_url(community, period.query(), "reports:pdf"),
        "workbook_url": _report_url(community, period.query(), format="xlsx"),
        "presets": [(value, label) for value, label in PeriodForm.PRESETS if value != "custom"],
    }
    return render(request, "reports/report.html", context)


@coordinators_only  # first: outsiders get 404 whatever the method, as on every page of a community
@require_POST
def report_recount(request, community):
    """Count the report's tables again now (they are otherwise kept for MAX_AGE); back to the same period."""
    report_invalidate(community=community)
    messages.success(request, _("The figures have been counted again."))
    period_query = {key: request.POST[key] for key in ("preset", "from", "to") if request.POST.get(key)}
    return redirect(_report_url(community, period_query))


def _export(request, community, form, period, export_format: str, table_id: str):
    """Answer a download of one table (CSV or Excel) or of every table (Excel); bad input redirects with a message."""
    back = _report_url(community, period.query())
    if form.is_bound and not form.is_valid():
        messages.error(request, _("Choose a valid period before downloading."))
        return redirect(_report_url(community, {}))
    if export_format not in EXPORT_FORMATS:
        messages.error(request, _("Downloads come as CSV or as Excel workbooks."))
        return redirect(back)
    tables, _counted_at = report_tables(community=community, period=period)
    if not table_id:
        if export_format == "csv":
            messages.error(
                request, _("Choose a table to download as CSV, or download every table as one Excel workbook.")
            )
            return redirect(back)
        return xlsx_response(tables, filename=_file_name(community, period, "report", "xlsx"))
    table = next((table for table in tables if table.id == table_id), None)
    if table is None:
        messages.error(request, _("This report has no table called “%(table)s”.") % {"table": table_id[:60]})
        return redirect(back)
    if export_format == "csv":
        return csv_response(table, filename=_file_name(community, period, table.id, "csv"))
    return xlsx_response([table], filename=_file_name(community, period, table.id, "xlsx"))


def _print_context(request, community, *, for_pdf: bool):
    form, period = period_from_request(request)
    tables, counted_at = report_tables(community=community, period=period)
    charts = charts_for(tables, id_prefix="print")
    images = {}
    if for_pdf:
        images = {table_id: svg_data_uri(chart.render(for_pdf=True)) for table_id, chart in charts.items()}
    return {
        "community": community,
        "form": form,
        "period": period,
        "sections": _sections(tables, charts, images),
        "for_pdf": for_pdf,
        "pdf_font": pdf_font() if for_pdf else None,
        "generated_at": timezone.now(),
        "counted_at": counted_at,
        "report_url": _report_url(community, period.query()),
        "pdf_url": _report_url(community, period.query(), "reports:pdf"),
    }


@coordinators_only
def report_print(request, community):
    """Show the report of a period as one printable page, with the community's name, colour and logo."""
    response = render(request, "reports/report_print.html", _print_context(request, community, for_pdf=False))
    response["Cache-Control"] = "private, no-store"
    return response


@coordinators_only
def report_pdf(request, community):
    """Download the printable report of a period as a PDF."""
    context = _print_context(request, community, for_pdf=True)
    html = render_to_string("reports/report_print.html", context, request=request)
    try:
        pdf = html_to_pdf(html)
    except PdfError:
        messages.error(request, _("The PDF could not be made; print the report page instead."))
        return redirect(context["report_url"])
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{_file_name(community, context["period"], "report", "pdf")}"'
    )
    response["Cache-Control"] = "private, no-store"
    return response


# --- open data -----------------------------------------------------------------------------------------------


def _open_data_access(request):
    """Return None when the community publishes open data; else the answer for this visitor.

    Only public communities publish. Of a members-only community, anonymous visitors are
    asked to sign in, outsiders get 404, members are shown the page saying nothing is published.
    """
    community = request.community
    if opendata.publishes_open_data(community):
        return None
    if not request.user.is_authenticated or not opendata.is_member(user=request.user, community=community):
        return deny(request)
    return "unpublished"


def open_data(request, community_slug):
    """List the community's open data files with their fields."""
    community = request.community
    access = _open_data_access(request)
    if access not in (None, "unpublished"):
        return access
    context = {
        "community": community,
        "published": access is None,
        "datasets": opendata.dataset_summaries(community) if access is None else [],
        "bundle": opendata_store.stored_bundle(community) if access is None else None,
    }
    return render(request, "reports/open_data.html", context)


def open_data_file(request, community_slug, dataset: str, file_format: str):
    """Download one open-data file (CSV or JSON) of a public community."""
    community = request.community
    access = _open_data_access(request)
    if access == "unpublished":
        return redirect("reports:open_data", community_slug=community.slug)
    if access is not None:
        return access
    return opendata.file_response(request, community, dataset=dataset, file_format=file_format)


def open_data_readme(request, community_slug):
    community = request.community
    access = _open_data_access(request)
    if access == "unpublished":
        return redirect("reports:open_data", community_slug=community.slug)
    if access is not None:
        return access
    return opendata.readme_response(request, community)


def open_data_bundle(request, community_slug):
    """Download every open-data file of the community and its README as one zip file."""
    community = request.community
    access = _open_data_access(request)
    if access == "unpublished":
        return redirect("reports:open_data", community_slug=community.slug)
    if access is not None:
        return access
    # The stored file (built in the background); built here only when none exists yet.
    stored = opendata_store.bundle_for_download(community)
    if stored is None:
        response = HttpResponse(
            _("The open-data bundle is being prepared. Please try again in a minute."),
            status=503,
            content_type="text/plain; charset=utf-8",
        )
        response["Retry-After"] = "60"
        return response
    with default_storage.open(stored.name, "rb") as stored_file:
        response = HttpResponse(stored_file.read(), content_type="application/zip")
    response["Last-Modified"] = http_date(stored.built_at.timestamp())
    return opendata.open_headers(response, f"{community.slug}-open-data.zip", attachment=True)


# --- network map ---------------------------------------------------------------------------------------------


def network(request):
    """Draw the communities the visitor may see, the themes they share and who belongs to several."""
    form = network_selectors.NetworkFilterForm(request.GET or None, user=request.user)
    theme, country = form.filters()
    graph = network_selectors.network_graph(user=request.user, theme=theme, country=country)
    context = {
        "form": form,
        "graph": graph,
        "layout": network_selectors.layout(graph),
        "theme": theme,
        "country": country,
    }
    return render(request, "reports/network.html", context)
