"""Check uploaded files by their content, and make thumbnails of images.

A file is accepted only when its name's extension is on the allowlist and its bytes
are what that extension promises: a PDF starts like a PDF, a .docx is a zip holding a
Word document's [Content_Types].xml, a .txt decodes as UTF-8 and has no NUL byte.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from communities.images import IMAGE_TYPES, SNIFF_BYTES, check_image_bytes, content_mismatch

# extension -> (content type we serve it as, how to check it)
OOXML = {
    "docx": ("word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": ("xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pptx": ("ppt/presentation.xml", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
}
TEXT_TYPES = {"txt": "text/plain", "csv": "text/csv", "md": "text/markdown", "markdown": "text/markdown"}
ODT_TYPE = "application/vnd.oasis.opendocument.text"
ALLOWED_EXTENSIONS = ["pdf", "png", "jpg", "jpeg", "gif", "webp", "docx", "xlsx", "pptx", "odt", "txt", "csv", "md"]
THUMBNAIL_SIZE = (480, 480)
_UNSAFE_NAME_CHARS = re.compile(r'[\x00-\x1f\x7f"<>:|?*;]')


@dataclass(frozen=True)
class CheckedFile:
    name: str
    extension: str
    content_type: str
    size: int


def max_upload_size() -> int:
    return int(getattr(settings, "KNOWLEDGE_MAX_UPLOAD_SIZE", 20 * 1024 * 1024))


def clean_file_name(name: str) -> str:
    """Return name if it is a plain file name; a path, control characters or an empty name are refused."""
    name = unicodedata.normalize("NFC", name or "").strip()
    if not name or name in {".", ".."}:
        raise ValidationError(_("The file has no name."), code="no_name")
    if "/" in name or "\\" in name:
        raise ValidationError(
            _("A file name must not contain a path (%(name)s). Rename the file and try again."),
            code="path_in_name",
            params={"name": name[:80]},
        )
    if name.startswith(".") or _UNSAFE_NAME_CHARS.search(name):
        raise ValidationError(
            _("The file name contains characters that are not allowed. Rename the file and try again."),
            code="bad_name",
        )
    if len(name) > 150:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 150 - len(ext) - 1] + dot + ext) if dot else name[:150]
    return name


def _read_all(upload) -> bytes:
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    return data


def _mismatch(extension: str) -> ValidationError:
    return content_mismatch(extension)


def _check_ooxml(data: bytes, extension: str) -> str:
    main_part, content_type = OOXML[extension]
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "[Content_Types].xml" not in names or main_part not in names:
                raise _mismatch(extension)
            types = archive.read("[Content_Types].xml")[:200_000].decode("utf-8", errors="replace")
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, NotImplementedError) as error:
        raise _mismatch(extension) from error
    if content_type not in types:
        raise _mismatch(extension)
    return content_type


def _check_odt(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            mimetype = archive.read("mimetype")[:100].decode("ascii", errors="replace").strip()
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, NotImplementedError) as error:
        raise _mismatch("odt") from error
    if mimetype != ODT_TYPE:
        raise _mismatch("odt")
    return ODT_TYPE


def _check_image(data: bytes, extension: str) -> str:
    content_type, _size = check_image_bytes(data, extension)
    return content_type


def _check_text(data: bytes, extension: str) -> str:
    if b"\x00" in data or filetype.guess(data[:SNIFF_BYTES]) is not None:
        raise _mismatch(extension)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ValidationError(_("A text file must be saved as UTF-8. Nothing was saved."), code="not_utf8") from error
    return TEXT_TYPES[extension]


def check_upload(upload, *, filename: str | None = None) -> CheckedFile:
    """Return what the upload is, or raise ValidationError with a clear message.

    The checks run before anything is written: size, name, then content.
    """
    name = clean_file_name(filename if filename is not None else upload.name)
    limit = max_upload_size()
    size = upload.size or 0
    if size > limit:
        raise ValidationError(
            _("The file is too large (%(size)s); the limit is %(limit)s."),
            code="too_large",
            params={"size": filesizeformat(size), "limit": filesizeformat(limit)},
        )
    if size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    extension = name.rpartition(".")[2].lower() if "." in name else ""
    if extension == "markdown":
        extension = "md"
    if extension not in ALLOWED_EXTENSIONS:
        raise ValidationError(
            _("This kind of file is not accepted. Accepted: %(allowed)s."),
            code="not_allowed",
            params={"allowed": ", ".join(ALLOWED_EXTENSIONS)},
        )
    data = _read_all(upload)
    if extension == "pdf":
        kind = filetype.guess(data[:SNIFF_BYTES])
        if kind is None or kind.mime != "application/pdf":
            raise _mismatch(extension)
        content_type = "application/pdf"
    elif extension in IMAGE_TYPES:
        content_type = _check_image(data, extension)
    elif extension in OOXML:
        content_type = _check_ooxml(data, extension)
    elif extension == "odt":
        content_type = _check_odt(data)
    else:
        content_type = _check_text(data, extension)
    return CheckedFile(name=name, extension=extension, content_type=content_type, size=len(data))


def make_thumbnail(upload) -> bytes | None:
    """Return a small PNG of an image upload, or None when it cannot be made cheaply."""
    from PIL import Image

    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image.thumbnail(THUMBNAIL_SIZE)
            if image.mode not in {"RGB", "RGBA", "L", "LA"}:
                image = image.convert("RGBA")
            out = io.BytesIO()
            image.save(out, format="PNG", optimize=True)
            return out.getvalue()
    except (OSError, ValueError, Image.DecompressionBombError):
        return None
    finally:
        upload.seek(0)
