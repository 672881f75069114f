"""Issue 14, "Uploads": each kind of hostile file is refused by its content, and an oversized body before it is read."""

from __future__ import annotations

import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from knowledge.files import check_upload
from knowledge.models import ItemFile
from tests.factories import CommunityFactory
from tests.knowledge.helpers import PDF, ooxml_bytes, png_bytes, upload

pytestmark = pytest.mark.django_db

SCRIPT = b"<script>alert(document.cookie)</script>"
SVG = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'
)
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


def png_declaring(width: int, height: int) -> bytes:
    """Return a tiny PNG whose header declares width x height pixels (a decompression bomb's shape)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">L", len(data)) + kind + data + struct.pack(">L", zlib.crc32(kind + data))

    header = struct.pack(">LLBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")
    )


def refused(name: str, content: bytes) -> str:
    with pytest.raises(ValidationError) as error:
        check_upload(upload(name, content))
    assert str(error.value.messages[0])  # a readable reason, never an empty error
    return error.value.code


@pytest.mark.parametrize(
    "name,content,code",
    [
        pytest.param("logo.svg", SVG, "not_allowed", id="svg-by-name"),
        pytest.param("logo.png", SVG, "type_mismatch", id="svg-named-png"),
        pytest.param("drawing.txt", SVG, "type_mismatch", id="svg-named-txt"),
        pytest.param("drawing.md", b"  <svg onload=alert(1)>", "type_mismatch", id="svg-named-md"),
    ],
)
def test_an_svg_with_script_is_refused(name, content, code):
    assert refused(name, content) == code


@pytest.mark.parametrize(
    "name,content,code",
    [
        pytest.param("page.html", HTML, "not_allowed", id="html"),
        pytest.param("page.htm", HTML, "not_allowed", id="htm"),
        pytest.param("page.xhtml", HTML, "not_allowed", id="xhtml"),
        pytest.param("page.txt", HTML, "type_mismatch", id="html-named-txt"),
        pytest.param("page.csv", b"\xef\xbb\xbf\n<html><body>hi</body></html>", "type_mismatch", id="html-named-csv"),
        pytest.param("page.pdf", HTML, "type_mismatch", id="html-named-pdf"),
    ],
)
def test_an_html_page_is_refused(name, content, code):
    assert refused(name, content) == code


@pytest.mark.parametrize(
    "name,content",
    [
        pytest.param("photo.png", png_bytes() + HTML, id="png-then-html"),
        pytest.param("photo.png", png_bytes() + SCRIPT, id="png-then-script"),
        pytest.param("plan.pdf", PDF[:9] + b"%" + HTML + PDF[9:], id="pdf-opening-with-html"),
        pytest.param("report.docx", HTML + ooxml_bytes("docx"), id="html-then-docx"),
        pytest.param("photo.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;" + SCRIPT, id="gif-then-script"),
    ],
)
def test_a_polyglot_is_refused(name, content):
    assert refused(name, content) == "type_mismatch"


@pytest.mark.parametrize(
    "name,content",
    [
        pytest.param("photo.jpg", b"MZ\x90\x00\x03\x00\x00\x00" + b"\0" * 64, id="exe-named-jpg"),
        pytest.param("plan.pdf", png_bytes(), id="png-named-pdf"),
        pytest.param("report.docx", PDF, id="pdf-named-docx"),
        pytest.param("notes.txt", b"\x7fELF\x02\x01\x01" + b"\0" * 64, id="elf-named-txt"),
        pytest.param("minutes.odt", ooxml_bytes("docx"), id="docx-named-odt"),
    ],
)
def test_a_file_with_a_fake_extension_is_refused(name, content):
    assert refused(name, content) == "type_mismatch"


def test_an_image_declaring_a_billion_pixels_is_refused_before_it_is_decoded():
    assert refused("photo.png", png_declaring(10_000, 8_000)) == "too_many_pixels"
    assert refused("photo.png", png_declaring(40_000, 40_000)) == "too_many_pixels"


def test_a_file_over_the_limit_is_refused(settings):
    settings.KNOWLEDGE_MAX_UPLOAD_SIZE = 1024
    assert refused("notes.txt", b"a" * 2048) == "too_large"


def test_a_zip_bomb_is_refused():
    # The full-size bomb and its memory bound: test_zip_bomb.py. Here, one of each refused kind.
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open("[Content_Types].xml", "w") as member:
            for _ in range(16):
                member.write(b" " * 1024 * 1024)
        archive.writestr("word/document.xml", "<xml/>")
    assert refused("report.docx", out.getvalue()) == "archive_too_large"


class ExplodingInput:
    """A wsgi.input that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


def test_an_oversized_body_is_refused_with_413_before_it_is_read(client, settings):
    settings.MAX_REQUEST_BODY_SIZE = 1024 * 1024
    community = CommunityFactory()
    response = client.generic(
        "POST",
        f"/c/{community.slug}/knowledge/1/files/",
        b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(500 * 1024 * 1024),
        **{"wsgi.input": ExplodingInput()},
    )
    assert response.status_code == 413
    assert "too large" in response.content.decode()
    assert "500.0" in response.content.decode() or "500" in response.content.decode()


def test_the_oversized_refusal_speaks_the_visitors_language(client, settings):
    settings.MAX_REQUEST_BODY_SIZE = 1024
    response = client.generic(
        "POST",
        "/search/",
        b"",
        CONTENT_LENGTH="4096",
        HTTP_ACCEPT_LANGUAGE="it",
        **{"wsgi.input": ExplodingInput()},
    )
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/plain")


def test_an_upload_through_the_page_over_the_body_limit_stores_nothing(client, settings, private_files):
    from tests.knowledge.helpers import make_item

    settings.MAX_REQUEST_BODY_SIZE = 64 * 1024
    item = make_item(CommunityFactory())
    client.force_login(item.created_by)
    url = reverse("knowledge:file_upload", args=[item.community.slug, item.pk])
    response = client.post(url, {"file": upload("notes.txt", b"a" * 128 * 1024)})
    assert response.status_code == 413
    assert not ItemFile.objects.exists()


def test_a_normal_upload_still_goes_through(client, private_files):
    from tests.knowledge.helpers import make_item

    item = make_item(CommunityFactory())
    client.force_login(item.created_by)
    url = reverse("knowledge:file_upload", args=[item.community.slug, item.pk])
    response = client.post(url, {"file": upload("plan.pdf", PDF)})
    assert response.status_code == 302
    assert ItemFile.objects.count() == 1
