"""Check an uploaded image by its content: the one image check of the portal.

knowledge's file checks (knowledge/files.py) call check_image_bytes for image attachments and
the community page checks a logo with check_logo: the name's extension must be one of
IMAGE_TYPES, the bytes must be what the extension promises (sniffed, then fully decoded by
Pillow), and the picture must not be a decompression bomb. SVG is never accepted: it can carry
scripts.
"""

from __future__ import annotations

import io

import filetype
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from members.typography import join_comma

IMAGE_TYPES = {
    "png": {"image/png", "image/apng"},
    "jpg": {"image/jpeg"},
    "jpeg": {"image/jpeg"},
    "gif": {"image/gif"},
    "webp": {"image/webp"},
}
# Header bytes enough for filetype's signatures.
SNIFF_BYTES = 8192
LOGO_MAX_SIZE = 2 * 1024 * 1024
LOGO_MAX_PIXELS = 4096


def content_mismatch(extension: str) -> ValidationError:
    return ValidationError(
        _("The content of this file does not match its type (.%(ext)s). Nothing was saved."),
        code="type_mismatch",
        params={"ext": extension},
    )


def check_image_bytes(data: bytes, extension: str) -> tuple[str, tuple[int, int]]:
    """Return (content type, (width, height)) of an image whose name ends in .extension; raise if it is not one."""
    from PIL import Image, UnidentifiedImageError

    kind = filetype.guess(data[:SNIFF_BYTES])
    if kind is None or kind.mime not in IMAGE_TYPES.get(extension, ()):
        raise content_mismatch(extension)
    try:
        with Image.open(io.BytesIO(data)) as image:
            size = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise content_mismatch(extension) from error
    return ("image/png" if kind.mime == "image/apng" else kind.mime), size


def check_logo(upload) -> str:
    """Return the content type of a logo upload, or raise ValidationError with a clear, translated message."""
    name = getattr(upload, "name", "") or ""
    extension = name.rpartition(".")[2].lower() if "." in name else ""
    if extension not in IMAGE_TYPES:
        raise ValidationError(
            _("A logo must be an image: %(allowed)s."),
            code="not_allowed",
            params={"allowed": join_comma(f".{ext}" for ext in IMAGE_TYPES)},
        )
    size = upload.size or 0
    if size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if size > LOGO_MAX_SIZE:
        raise ValidationError(
            _("The file is too large (%(size)s); the limit is %(limit)s."),
            code="too_large",
            params={"size": filesizeformat(size), "limit": filesizeformat(LOGO_MAX_SIZE)},
        )
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    content_type, (width, height) = check_image_bytes(data, extension)
    if width > LOGO_MAX_PIXELS or height > LOGO_MAX_PIXELS:
        raise ValidationError(
            _("The logo is %(width)s × %(height)s pixels; at most %(limit)s pixels on each side are accepted."),
            code="too_many_pixels",
            params={"width": width, "height": height, "limit": LOGO_MAX_PIXELS},
        )
    return content_type
