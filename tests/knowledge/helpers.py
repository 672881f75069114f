"""Builders for knowledge tests: real objects made through the services, as the site makes them."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from communities.models import Membership
from knowledge import services
from knowledge.models import KnowledgeItem
from tests.factories import UserFactory, make_member

PASSWORD = "a-long-test-password"


def make_item(
    community,
    *,
    author=None,
    title="Lessons from the pilot project",
    visibility=KnowledgeItem.Visibility.COMMUNITY,
    published=True,
    group=None,
    kind=KnowledgeItem.Kind.LESSON,
    body="What we learnt.",
    summary="",
    themes=(),
    language="en",
    authors=None,
    organizations=(),
):
    author = author or make_member(community)
    return services.item_create(
        community=community,
        by=author,
        kind=kind,
        title=title,
        summary=summary,
        body=body,
        visibility=visibility,
        group=group,
        themes=themes,
        language=language,
        authors=authors,
        organizations=organizations,
        publish=published,
    )


def make_coordinator(community):
    return make_member(community, role=Membership.Role.COORDINATOR)


def make_round(item, *, author=None, reviewers=None, due_in_days=14):
    author = author or item.created_by
    reviewers = reviewers if reviewers is not None else [make_member(item.community)]
    return services.review_round_request(
        item=item, by=author, reviewers=reviewers, due_date=timezone.localdate() + timedelta(days=due_in_days)
    )


def outsider():
    return UserFactory()


# ----------------------------------------------------------------------------- files of each kind

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def png_bytes(size=(64, 48), colour=(200, 30, 30)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="PNG")
    return out.getvalue()


def jpeg_bytes() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 40), (10, 120, 10)).save(out, format="JPEG")
    return out.getvalue()


def ooxml_bytes(kind: str = "docx") -> bytes:
    parts = {
        "docx": ("word/document.xml", "wordprocessingml.document.main+xml"),
        "xlsx": ("xl/workbook.xml", "spreadsheetml.sheet.main+xml"),
        "pptx": ("ppt/presentation.xml", "presentationml.presentation.main+xml"),
    }
    main, ctype = parts[kind]
    types = (
        '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        f'<Override PartName="/{main}" ContentType="application/vnd.openxmlformats-officedocument.{ctype}"/>'
        "</Types>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr(main, "<xml/>")
    return out.getvalue()


def odt_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<xml/>")
    return out.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)
