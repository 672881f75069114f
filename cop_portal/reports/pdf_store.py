"""The report as a PDF, laid out in the background and stored: xhtml2pdf takes seconds on a large report.

One file per (community, period, language, moment the tables were counted), in the default
storage. The PDF address serves the file made from the tables the page shows; when there is
none yet it is made in the request if that is quick (a community small enough to count in a
request, store.is_cheap), otherwise the Celery task
`reports.build_report_pdf` is queued through members.outbox (once per file) and the address
answers a page that says so and reloads itself. Making a file removes the older ones of the
same period and language.
"""

from __future__ import annotations

import logging
import posixpath
import time
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import translation

from communities.models import Community
from members import outbox

from .layout import print_context
from .pdf import PdfError, html_to_pdf
from .periods import Period
from .store import counted_stamp, is_cheap, period_args, report_tables

logger = logging.getLogger(__name__)

BUILD_TASK = "reports.build_report_pdf"


def _folder(community: Community) -> str:
    return posixpath.join(getattr(settings, "REPORT_PDF_PREFIX", "report-pdf"), str(community.pk))


def _stem(period: Period, language: str) -> str:
    return f"{period.slug()}-{language}-"


def pdf_name(community: Community, period: Period, language: str, counted_at: datetime) -> str:
    return posixpath.join(_folder(community), _stem(period, language) + counted_stamp(counted_at) + ".pdf")


def _failed_key(name: str) -> str:
    return f"reports:pdf-failed:{name}"


def stored_pdf(community: Community, period: Period, language: str, counted_at: datetime) -> str | None:
    """Return the stored PDF made from the tables counted at counted_at, or None."""
    name = pdf_name(community, period, language, counted_at)
    return name if default_storage.exists(name) else None


def has_failed(name: str) -> bool:
    return bool(cache.get(_failed_key(name)))


def is_quick(community: Community) -> bool:
    """Return whether the PDF may be made in the request: a community small enough to count there."""
    return is_cheap(community)


def pdf_build(*, community: Community, period: Period, language: str) -> str | None:
    """Make and store the PDF of the kept tables of community over period in language; None if none are kept.

    Raises PdfError when xhtml2pdf cannot lay it out (the failure is remembered for the address).
    """
    started = time.monotonic()
    with translation.override(language):
        counted = report_tables(community=community, period=period)
        if counted.pending:
            return None
        name = pdf_name(community, period, language, counted.counted_at)
        context = print_context(community, period, counted.tables, counted.counted_at, for_pdf=True)
        html = render_to_string("reports/report_print.html", context)
        try:
            content = html_to_pdf(html)
        except PdfError:
            cache.set(_failed_key(name), 1, timeout=3600)
            raise
    if default_storage.exists(name):
        default_storage.delete(name)
    default_storage.save(name, ContentFile(content))
    try:
        _dirs, files = default_storage.listdir(_folder(community))
    except FileNotFoundError:
        files = []
    stem = _stem(period, language)
    for older in files:
        path = posixpath.join(_folder(community), older)
        if older.startswith(stem) and path != name:
            default_storage.delete(path)
    logger.info("Report PDF %s made in %.1f s", name, time.monotonic() - started)
    return name


def queue_build(*, community: Community, period: Period, language: str, counted_at: datetime) -> None:
    """Queue the making of the PDF of the tables counted at counted_at, once (outbox key)."""
    name = pdf_name(community, period, language, counted_at)
    outbox.enqueue(BUILD_TASK, community.pk, *period_args(period), language, key=f"reports:pdf:{name}"[:255])


def build_task_body(community_id: int, preset: str, start: str, end: str, language: str) -> str | None:
    from .store import period_from_args

    community = Community.objects.filter(pk=community_id).first()
    if community is None:
        return None
    try:
        return pdf_build(community=community, period=period_from_args(preset, start, end), language=language)
    except PdfError:
        logger.exception("The report PDF of community %s could not be made", community_id)
        return None
