"""The font every PDF the portal writes embeds (knowledge collections, community reports)."""

import os

from django.conf import settings

# DejaVu Sans has Latin and Arabic glyphs; Debian ships it in one of these places.
PDF_FONTS = ["/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/dejavu/DejaVuSans.ttf"]


def pdf_font() -> str | None:
    """Return a TrueType font with Latin and Arabic glyphs (settings.PDF_FONT, else DejaVu Sans), if installed."""
    candidates = [getattr(settings, "PDF_FONT", None), *PDF_FONTS]
    return next((path for path in candidates if path and os.path.isfile(path)), None)
