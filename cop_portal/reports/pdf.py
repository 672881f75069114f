"""The printable report as a PDF: the print view's HTML, laid out by xhtml2pdf (pure Python).

The renderer reads nothing from the network and, on disk, only the community's logo
(under MEDIA_ROOT, or read through the storage from the object store), static files and the font
that carries Arabic glyphs.
"""

from __future__ import annotations

import base64
import io
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders

from knowledge.pdf import pdf_font


class PdfError(Exception):
    """xhtml2pdf could not lay the report out."""


def link_callback(uri: str, rel: str | None = None) -> str:
    """Return a local file path for /media/ and /static/ addresses and the report font; nothing else.

    Anything else (another host, another path) becomes "" and xhtml2pdf leaves it out.
    """
    if uri.startswith("data:"):
        return uri
    font = pdf_font()
    if font and uri == font:
        return font
    if uri.startswith(settings.MEDIA_URL):
        root = Path(settings.MEDIA_ROOT).resolve()
        path = (root / uri.removeprefix(settings.MEDIA_URL)).resolve()
        return str(path) if path.is_relative_to(root) and path.is_file() else ""
    if uri.startswith(settings.STATIC_URL):
        return finders.find(uri.removeprefix(settings.STATIC_URL)) or ""
    return _stored_logo(uri)


def _stored_logo(uri: str) -> str:
    """Return a logo the page links from the object store (a signed URL) as a data: address, else "".

    The renderer never fetches from the network: the file is read through the storage itself.
    """
    from urllib.parse import unquote, urlsplit

    from django.core.files.storage import default_storage

    origin = getattr(settings, "STORAGE_ORIGIN", None)
    location = getattr(default_storage, "location", "")
    bucket = getattr(default_storage, "bucket_name", None)
    if not origin or not bucket or "*" in origin or not uri.startswith(origin + "/"):
        return ""
    path = unquote(urlsplit(uri).path).lstrip("/").removeprefix(f"{bucket}/")
    if not path.startswith(f"{location}/communities/logos/"):
        return ""
    name = path.removeprefix(f"{location}/")
    try:
        with default_storage.open(name, "rb") as stored:
            data = stored.read(2 * 1024 * 1024 + 1)
    except Exception:  # a missing logo leaves the report without it, as on the disk
        return ""
    if len(data) > 2 * 1024 * 1024:
        return ""
    signatures = {b"\x89PNG": "image/png", b"\xff\xd8": "image/jpeg", b"GIF8": "image/gif"}
    kind = next((kind for magic, kind in signatures.items() if data.startswith(magic)), "")
    return f"data:{kind};base64," + base64.b64encode(data).decode("ascii") if kind else ""


def svg_data_uri(svg: str) -> str:
    """Return an SVG drawing as a data: address, which xhtml2pdf draws as vector graphics (svglib)."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _policy():
    from xhtml2pdf.config.resources import ResourceAccessPolicy

    roots = [Path(directory) for directory in settings.STATICFILES_DIRS]
    if settings.STATIC_ROOT:
        roots.append(Path(settings.STATIC_ROOT))
    font = pdf_font()
    if font:
        roots.append(Path(font).parent)
    return ResourceAccessPolicy.server(base_dir=settings.MEDIA_ROOT, extra_roots=tuple(roots), allow_remote=False)


def html_to_pdf(html: str) -> bytes:
    """Return the PDF of html; raise PdfError when xhtml2pdf reports an error."""
    from xhtml2pdf import pisa

    out = io.BytesIO()
    result = pisa.CreatePDF(html, dest=out, encoding="utf-8", link_callback=link_callback, resource_policy=_policy())
    if result.err:
        raise PdfError(f"xhtml2pdf reported {result.err} error(s)")
    return out.getvalue()
