"""Report pages of a community (coordinators only), its open data (public communities) and the network map."""

from __future__ import annotations

from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import http_date, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communities.access import deny, door

from . import network as network_selectors
from . import opendata, opendata_store, pdf_store
from .exports import csv_response, xlsx_response
from .layout import print_context, report_url, sections
from .pdf import PdfError
from .periods import PeriodForm, period_from_request
from .store import report_recount as recount_report
from .store import report_tables

EXPORT_FORMATS = {"csv", "xlsx"}


# The community's coordinators only: anonymous visitors are sent to sign in, anyone else gets 404.
coordinators_only = door("manage")


_report_url = report_url


def _file_name(community, period, what: str, extension: str) -> str:
    return f"{community.slug}-{what}-{period.slug()}.{extension}"


@coordinators_only
def report(request, community):
    """Show the community's activity over a period, its pivot tables and charts; ?format=csv|xlsx downloads."""
    form, period = period_from_request(request)
    export_format = request.GET.get("format", "")
    if export_format:
        return _export(request, community, form, period, export_format, request.GET.get("table", ""))
    counted = report_tables(community=community, period=period)
    context = {
        "community": community,
        "form": form,
        "period": period,
        "counted": counted,
        "counted_at": counted.counted_at,
        "recount_url": reverse("reports:recount", kwargs={"community_slug": community.slug}),
        "sections": [] if counted.pending else sections(counted.tables, {}),
        "sections_html": mark_safe(counted.html),  # noqa: S308 - rendered by our own template (store.sections_html)
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
    """Count the report's tables again: now when that is quick, else in the background; back to the same period."""
    period_query = {key: request.POST[key] for key in ("preset", "from", "to") if request.POST.get(key)}
    form = PeriodForm(period_query or None, initial={"preset": "all"})
    if recount_report(community=community, period=form.period()):
        messages.success(request, _("The figures have been counted again."))
    else:
        messages.info(request, _("The figures are being counted again; this page will show them within a few minutes."))
    return redirect(_report_url(community, period_query))


def _pending(request, community, period):
    messages.info(
        request, _("The figures of this period are being counted; downloads are ready once the page shows them.")
    )
    return redirect(_report_url(community, period.query()))


def _export(request, community, form, period, export_format: str, table_id: str):
    """Answer a download of one table (CSV or Excel) or of every table (Excel); bad input redirects with a message."""
    back = _report_url(community, period.query())
    if form.is_bound and not form.is_valid():
        messages.error(request, _("Choose a valid period before downloading."))
        return redirect(_report_url(community, {}))
    if export_format not in EXPORT_FORMATS:
        messages.error(request, _("Downloads come as CSV or as Excel workbooks."))
        return redirect(back)
    counted = report_tables(community=community, period=period)
    if counted.pending:
        return _pending(request, community, period)
    tables = counted.tables
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


def _printable(request, community):
    form, period = period_from_request(request)
    return period, report_tables(community=community, period=period)


@coordinators_only
def report_print(request, community):
    """Show the report of a period as one printable page, with the community's name, colour and logo."""
    period, counted = _printable(request, community)
    if counted.pending:
        return _pending(request, community, period)
    context = print_context(community, period, counted.tables, counted.counted_at, for_pdf=False)
    response = render(request, "reports/report_print.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


@coordinators_only
def report_pdf(request, community):
    """Download the printable report of a period as a PDF: the stored file, made now only when that is quick."""
    period, counted = _printable(request, community)
    if counted.pending:
        return _pending(request, community, period)
    language = get_language()
    name = pdf_store.stored_pdf(community, period, language, counted.counted_at)
    back = _report_url(community, period.query())
    if name is None:
        failed = pdf_store.has_failed(pdf_store.pdf_name(community, period, language, counted.counted_at))
        if failed:
            messages.error(request, _("The PDF could not be made; print the report page instead."))
            return redirect(back)
        if not pdf_store.is_quick(community):
            pdf_store.queue_build(community=community, period=period, language=language, counted_at=counted.counted_at)
            context = {
                "community": community,
                "period": period,
                "report_url": back,
                "pdf_url": _report_url(community, period.query(), "reports:pdf"),
            }
            response = render(request, "reports/pdf_pending.html", context, status=202)
            response["Cache-Control"] = "private, no-store"
            response["Retry-After"] = "10"
            return response
        try:
            name = pdf_store.pdf_build(community=community, period=period, language=language)
        except PdfError:
            messages.error(request, _("The PDF could not be made; print the report page instead."))
            return redirect(back)
    with default_storage.open(name, "rb") as stored:
        response = HttpResponse(stored.read(), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_file_name(community, period, "report", "pdf")}"'
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


def _preparing():
    response = HttpResponse(
        _("The open-data bundle is being prepared. Please try again in a minute."),
        status=503,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = "60"
    return response


def open_data_file(request, community_slug, dataset: str, file_format: str):
    """Download one open-data file (CSV or JSON) of a public community: the file of the stored bundle."""
    community = request.community
    access = _open_data_access(request)
    if access == "unpublished":
        return redirect("reports:open_data", community_slug=community.slug)
    if access is not None:
        return access
    filename = opendata.dataset_file_name(dataset, file_format)
    stored = opendata_store.bundle_for_download(community)
    if stored is None:
        return _preparing()
    content_type = "text/csv; charset=utf-8" if file_format == "csv" else "application/json; charset=utf-8"
    response = HttpResponse(opendata_store.bundle_member(stored, filename), content_type=content_type)
    response["Last-Modified"] = http_date(stored.built_at.timestamp())
    return opendata.open_headers(response, f"{community.slug}-{filename}")


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
        return _preparing()
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
