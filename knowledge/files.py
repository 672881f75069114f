"""Check uploaded files by their content, and make thumbnails of images.

A file is accepted only when its name's extension is on the allowlist and its bytes
are what that extension promises: a PDF starts like a PDF, a .docx is a zip holding a
Word document's [Content_Types].xml, a .txt decodes as UTF-8 and has no NUL byte.

Nothing here holds a whole upload in memory. Uploads are read in chunks; archives
(docx, xlsx, pptx, odt) are judged by their directory first (how many members, their
declared sizes and compression ratios: a few hundred KB can declare gigabytes), and
the one part we need is then read through a bounded stream. Images are judged by their
declared pixel count before anything is decoded. A file that is also a web page or an
SVG drawing (a polyglot: HTML after a PNG's end, a PDF that opens with <html>) is refused.
"""

from __future__ import annotations

import codecs
import io
import re
import struct
import unicodedata
import zipfile
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from communities.images import IMAGE_TYPES, content_mismatch
from members.typography import join_comma

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
# Header bytes enough for filetype's signatures.
SNIFF_BYTES = 8192
# Uploads are read in chunks of this size, never whole.
CHUNK_SIZE = 64 * 1024
# Archives: at most this many members, declaring at most this much data in all; a member over
# RATIO_FLOOR bytes may expand at most ZIP_MAX_RATIO times (real documents: 3 to 30 times); the parts
# we read ([Content_Types].xml, mimetype) are small in every real document.
ZIP_MAX_MEMBERS = 10_000
ZIP_MAX_TOTAL_SIZE = 512 * 1024 * 1024
ZIP_MAX_RATIO = 100
ZIP_RATIO_FLOOR = 1024 * 1024
ZIP_MAX_PART_SIZE = 1024 * 1024
ZIP_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}
# The end-of-central-directory record: signature, disk numbers, entry counts, directory size and offset.
_EOCD = struct.Struct("<4s4H2LH")
_EOCD_SIGNATURE = b"PK\x05\x06"
_ZIP64_LOCATOR = b"PK\x06\x07"
# Images: refused above this many pixels before any decoding (a 50-megapixel photo decodes to 150 MB).
MAX_IMAGE_PIXELS = 50_000_000
# Markup a browser would run or render as a page: refused inside images, and at the start of the
# other types (browsers sniff the first bytes of a file they are not told the type of).
_MARKUP = re.compile(rb"<(?:script|html|svg|body|iframe|object|embed|!doctype\s+html)[\s/>]", re.IGNORECASE)
_MARKUP_OVERLAP = 32
HEAD_BYTES = 1024
# A text file may quote markup (it is served as an attachment, as text/plain, never sniffed), but one
# that is a whole web page or SVG drawing is an .html or .svg file renamed.
_MARKUP_DOCUMENT = re.compile(rb"(?:<\?xml[^>]*>\s*)?<(?:html|svg|!doctype\s+(?:html|svg))[\s/>]", re.IGNORECASE)
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


def _head(upload, size: int = SNIFF_BYTES) -> bytes:
    upload.seek(0)
    data = upload.read(size)
    upload.seek(0)
    return data


def _chunks(upload):
    """Yield the upload's bytes CHUNK_SIZE at a time, from the start."""
    upload.seek(0)
    try:
        while chunk := upload.read(CHUNK_SIZE):
            yield chunk
    finally:
        upload.seek(0)


def _has_markup(upload) -> bool:
    """Return whether HTML or SVG markup appears anywhere in the upload (chunks overlap, so none is missed)."""
    tail = b""
    for chunk in _chunks(upload):
        window = tail + chunk
        if _MARKUP.search(window):
            return True
        tail = window[-_MARKUP_OVERLAP:]
    return False


def _mismatch(extension: str) -> ValidationError:
    return content_mismatch(extension)


def _archive_refused(extension: str) -> ValidationError:
    return ValidationError(
        _(
            "This .%(ext)s file unpacks to far more data than a real document does, "
            "so it was not opened. Nothing was saved."
        ),
        code="archive_too_large",
        params={"ext": extension},
    )


def _zip_entry_count(upload) -> int | None:
    """Return the entry count the archive's end record declares, or None when there is no end record.

    Read before zipfile parses the directory: zipfile builds an object per entry, so a directory
    of millions of empty entries would cost hundreds of MB on its own.
    """
    upload.seek(0, io.SEEK_END)
    size = upload.tell()
    start = max(0, size - _EOCD.size - 65535)
    upload.seek(start)
    tail = upload.read()
    upload.seek(0)
    at = tail.rfind(_EOCD_SIGNATURE)
    if at < 0 or len(tail) - at < _EOCD.size:
        return None
    if at >= 20 and tail[at - 20 : at - 16] == _ZIP64_LOCATOR:
        return 0xFFFF  # zipfile would take its counts from the ZIP64 record instead
    _sig, _disk, _cd_disk, _disk_entries, entries, _cd_size, _cd_offset, _comment = _EOCD.unpack_from(tail, at)
    return entries


def _open_archive(upload, extension: str) -> zipfile.ZipFile:
    """Open the upload as a zip after checking its declared shape; raise ValidationError if refused."""
    if _head(upload, 4) != b"PK\x03\x04":
        raise _mismatch(extension)  # a zip that starts with something else is a polyglot (or not a zip)
    entries = _zip_entry_count(upload)
    if entries is None or entries == 0xFFFF:
        raise _mismatch(extension)  # no end record, or ZIP64 (no document under our size limit needs it)
    if entries > ZIP_MAX_MEMBERS:
        raise _archive_refused(extension)
    upload.seek(0)
    archive = zipfile.ZipFile(upload)
    infos = archive.infolist()
    total = 0
    for info in infos:
        if info.compress_type not in ZIP_METHODS or info.flag_bits & 0x1:
            archive.close()
            raise _mismatch(extension)  # encrypted, or a method office suites never write
        total += info.file_size
        expands = info.file_size > ZIP_RATIO_FLOOR and info.file_size > ZIP_MAX_RATIO * max(info.compress_size, 1)
        if expands or total > ZIP_MAX_TOTAL_SIZE or len(infos) > ZIP_MAX_MEMBERS:
            archive.close()
            raise _archive_refused(extension)
    return archive


def _read_part(archive: zipfile.ZipFile, name: str, extension: str, limit: int = ZIP_MAX_PART_SIZE) -> bytes:
    """Return one member's bytes, read through a stream that never yields more than limit bytes.

    The declared size is checked first; the stream then stops at the declared size whatever the
    compressed data would expand to (zipfile cuts it there and checks the CRC), and at limit anyway.
    """
    info = archive.getinfo(name)
    if info.file_size > limit:
        raise _archive_refused(extension)
    with archive.open(info) as member:
        data = member.read(limit + 1)
    if len(data) > limit:
        raise _archive_refused(extension)
    return data


_ZIP_ERRORS = (zipfile.BadZipFile, KeyError, OSError, RuntimeError, NotImplementedError, EOFError, ValueError)


def _check_ooxml(upload, extension: str) -> str:
    main_part, content_type = OOXML[extension]
    try:
        with _open_archive(upload, extension) as archive:
            names = set(archive.namelist())
            if "[Content_Types].xml" not in names or main_part not in names:
                raise _mismatch(extension)
            types = _read_part(archive, "[Content_Types].xml", extension).decode("utf-8", errors="replace")
    except _ZIP_ERRORS as error:
        raise _mismatch(extension) from error
    finally:
        upload.seek(0)
    if content_type not in types:
        raise _mismatch(extension)
    return content_type


def _check_odt(upload) -> str:
    try:
        with _open_archive(upload, "odt") as archive:
            mimetype = _read_part(archive, "mimetype", "odt", limit=100).decode("ascii", errors="replace").strip()
    except _ZIP_ERRORS as error:
        raise _mismatch("odt") from error
    finally:
        upload.seek(0)
    if mimetype != ODT_TYPE:
        raise _mismatch("odt")
    return ODT_TYPE


def _too_many_pixels() -> ValidationError:
    return ValidationError(
        _("The image has too many pixels; the limit is %(limit)d megapixels. Nothing was saved."),
        code="too_many_pixels",
        params={"limit": MAX_IMAGE_PIXELS // 1_000_000},
    )


def _check_image(upload, extension: str) -> str:
    from PIL import Image, UnidentifiedImageError

    kind = filetype.guess(_head(upload))
    if kind is None or kind.mime not in IMAGE_TYPES[extension]:
        raise _mismatch(extension)
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            # Opening reads only the header: the pixel count is known before anything is decoded.
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise _too_many_pixels()
            image.verify()
    except Image.DecompressionBombError as error:
        raise _too_many_pixels() from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise _mismatch(extension) from error
    finally:
        upload.seek(0)
    if _has_markup(upload):
        raise _mismatch(extension)  # an image that is also a page or a drawing (a polyglot)
    return "image/png" if kind.mime == "image/apng" else kind.mime


def _check_text(upload, extension: str) -> str:
    head = _head(upload)
    if filetype.guess(head) is not None or _MARKUP_DOCUMENT.match(head.lstrip(b"\xef\xbb\xbf \t\r\n")):
        raise _mismatch(extension)  # a binary file, or a web page or SVG drawing named .txt
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for chunk in _chunks(upload):
            if b"\x00" in chunk:
                raise _mismatch(extension)
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
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
            params={"allowed": join_comma(ALLOWED_EXTENSIONS)},
        )
    if extension == "pdf":
        head = _head(upload)
        kind = filetype.guess(head)
        if kind is None or kind.mime != "application/pdf" or _MARKUP.search(head[:HEAD_BYTES]):
            raise _mismatch(extension)
        content_type = "application/pdf"
    elif extension in IMAGE_TYPES:
        content_type = _check_image(upload, extension)
    elif extension in OOXML:
        content_type = _check_ooxml(upload, extension)
    elif extension == "odt":
        content_type = _check_odt(upload)
    else:
        content_type = _check_text(upload, extension)
    return CheckedFile(name=name, extension=extension, content_type=content_type, size=size)


def make_thumbnail(upload) -> bytes | None:
    """Return a small PNG of an image upload, or None when it cannot be made cheaply."""
    from PIL import Image

    try:
        upload.seek(0)
        with Image.open(upload) as image:
            if image.width * image.height > MAX_IMAGE_PIXELS:
                return None
            # JPEG decodes at a fraction of its size when that is enough for the thumbnail.
            image.draft(None, THUMBNAIL_SIZE)
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
