"""The printable report as a PDF: the print view's HTML, laid out by xhtml2pdf (pure Python)."""

from __future__ import annotations

import base64
import io
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders


class PdfError(Exception):
    """xhtml2pdf could not lay the report out."""


def link_callback(uri: str, rel: str | None = None) -> str:
    """Return a local file path for /static/ and /media/ addresses, so the PDF can embed the logo.

    Anything else (another host, a path outside both roots) is returned unchanged and
    xhtml2pdf leaves it out; the report never fetches from the network.
    """
    if uri.startswith(settings.MEDIA_URL):
        path = (Path(settings.MEDIA_ROOT) / uri.removeprefix(settings.MEDIA_URL)).resolve()
        if path.is_relative_to(Path(settings.MEDIA_ROOT).resolve()) and path.is_file():
            return str(path)
        return ""
    if uri.startswith(settings.STATIC_URL):
        found = finders.find(uri.removeprefix(settings.STATIC_URL))
        return found or ""
    if uri.startswith("data:"):
        return uri
    return ""


def svg_data_uri(svg: str) -> str:
    """Return an SVG drawing as a data: address, which xhtml2pdf draws as vector graphics (svglib)."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def html_to_pdf(html: str) -> bytes:
    """Return the PDF of html; raise PdfError when xhtml2pdf reports an error."""
    from xhtml2pdf import pisa

    out = io.BytesIO()
    result = pisa.CreatePDF(html, dest=out, encoding="utf-8", link_callback=link_callback)
    if result.err:
        raise PdfError(f"xhtml2pdf reported {result.err} error(s)")
    return out.getvalue()
