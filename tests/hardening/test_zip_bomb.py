"""Issue 14, failure 1: a small archive that inflates to hundreds of MB is refused without being inflated."""

from __future__ import annotations

import io
import struct
import tracemalloc
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from knowledge.files import ZIP_MAX_MEMBERS, check_upload
from knowledge.models import ItemFile
from tests.factories import CommunityFactory
from tests.knowledge.helpers import make_item, ooxml_bytes, upload

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
DOCUMENT_MAIN = "word/document.xml"
TYPES = (
    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
)


def bomb_docx(inflated_mb: int) -> bytes:
    """Return a .docx whose [Content_Types].xml inflates to inflated_mb MB, written in 1 MB steps (never whole)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        with archive.open("[Content_Types].xml", "w") as member:
            member.write(TYPES.encode())
            block = b" " * MB
            for _ in range(inflated_mb):
                member.write(block)
        archive.writestr(DOCUMENT_MAIN, "<xml/>")
    return out.getvalue()


def lying_docx(inflated_mb: int, declared: int) -> bytes:
    """Return a bomb whose directory claims [Content_Types].xml is only `declared` bytes."""
    data = bytearray(bomb_docx(inflated_mb))
    at = data.find(b"PK\x01\x02")  # the first central directory entry: [Content_Types].xml
    assert data[at + 46 : at + 46 + 19] == b"[Content_Types].xml"
    struct.pack_into("<L", data, at + 24, declared)
    local = data.find(b"PK\x03\x04")
    struct.pack_into("<L", data, local + 22, declared)
    return bytes(data)


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return bomb_docx(300)


def peak_memory_of(function) -> int:
    tracemalloc.start()
    try:
        function()
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak


def test_a_docx_that_inflates_to_300_mb_is_refused_and_never_inflated(bomb):
    assert len(bomb) < 2 * MB  # a few hundred KB on the wire

    def check():
        with pytest.raises(ValidationError) as error:
            check_upload(upload("report.docx", bomb))
        assert error.value.code == "archive_too_large"
        assert "unpacks to far more data" in error.value.messages[0]

    # The old code read the whole member (300 MB) before cutting it.
    assert peak_memory_of(check) < 4 * MB


def test_a_bomb_whose_directory_lies_about_its_size_is_read_no_further_than_declared():
    bomb = lying_docx(64, declared=2000)

    def check():
        with pytest.raises(ValidationError) as error:
            check_upload(upload("report.docx", bomb))
        assert error.value.code == "type_mismatch"  # zipfile stops at 2,000 bytes: the CRC does not match

    assert peak_memory_of(check) < 4 * MB


def test_an_archive_of_tens_of_thousands_of_members_is_refused_before_its_directory_is_parsed():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", TYPES + "</Types>")
        archive.writestr(DOCUMENT_MAIN, "<xml/>")
        for number in range(ZIP_MAX_MEMBERS):
            archive.writestr(f"x/{number}", b"")
    with pytest.raises(ValidationError) as error:
        check_upload(upload("report.docx", out.getvalue()))
    assert error.value.code == "archive_too_large"


@pytest.mark.parametrize("name", ["budget.xlsx", "minutes.odt"])
def test_every_archive_based_type_refuses_a_bomb(name):
    part = "mimetype" if name.endswith(".odt") else "xl/workbook.xml"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open(part, "w") as member:
            for _ in range(32):
                member.write(b"\0" * MB)
        archive.writestr("[Content_Types].xml", "<Types/>")
    with pytest.raises(ValidationError) as error:
        check_upload(upload(name, out.getvalue()))
    assert error.value.code == "archive_too_large"


def test_real_documents_still_pass():
    assert check_upload(upload("report.docx", ooxml_bytes("docx"))).extension == "docx"


def test_the_upload_page_refuses_the_bomb_with_a_clear_message_and_stores_nothing(client, private_files, bomb):
    item = make_item(CommunityFactory())
    client.force_login(item.created_by)
    url = reverse("knowledge:file_upload", args=[item.community.slug, item.pk])
    response = client.post(url, {"file": upload("report.docx", bomb)}, follow=True)
    assert response.status_code == 200
    assert "unpacks to far more data" in response.content.decode()
    assert not ItemFile.objects.exists()


def test_a_zip64_directory_cannot_hide_its_entry_count():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", TYPES + "</Types>")
        with archive.open(DOCUMENT_MAIN, "w", force_zip64=True) as member:
            member.write(b"<xml/>")
    data = out.getvalue()
    # Python writes a ZIP64 end record only when needed: add a locator in front of the end record,
    # as an attacker would to make zipfile read its counts from elsewhere.
    at = data.rfind(b"PK\x05\x06")
    forged = data[:at] + b"PK\x06\x07" + b"\0" * 16 + data[at:]
    with pytest.raises(ValidationError) as error:
        check_upload(upload("report.docx", forged))
    assert error.value.code == "type_mismatch"
