"""Files: checked by content before anything is stored, kept under random names, served only after a check."""

import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from communities.models import Community
from knowledge import services
from knowledge.files import check_upload
from knowledge.models import ItemFile, KnowledgeItem
from tests.factories import CommunityFactory, GroupFactory, UserFactory, make_member

from .helpers import PDF, jpeg_bytes, make_item, odt_bytes, ooxml_bytes, png_bytes, upload

pytestmark = pytest.mark.django_db
V = KnowledgeItem.Visibility


def stored_files(root: Path) -> list[Path]:
    return [p for p in Path(root).rglob("*") if p.is_file()] if Path(root).exists() else []


@pytest.mark.parametrize(
    "name,content,content_type",
    [
        ("plan.pdf", PDF, "application/pdf"),
        ("photo.png", png_bytes(), "image/png"),
        ("photo.JPG", jpeg_bytes(), "image/jpeg"),
        ("report.docx", ooxml_bytes("docx"), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("budget.xlsx", ooxml_bytes("xlsx"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (
            "slides.pptx",
            ooxml_bytes("pptx"),
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ),
        ("minutes.odt", odt_bytes(), "application/vnd.oasis.opendocument.text"),
        ("notes.txt", "Città e scuole – note".encode(), "text/plain"),
        ("data.csv", b"city,score\nPadova,3\n", "text/csv"),
        ("readme.md", "# مرحبا".encode(), "text/markdown"),
    ],
)
def test_allowed_files_are_recognised_by_their_content(name, content, content_type):
    assert check_upload(upload(name, content)).content_type == content_type


@pytest.mark.parametrize(
    "name,content,code",
    [
        ("plan.pdf", png_bytes(), "type_mismatch"),
        ("photo.png", b"<html><script>alert(1)</script></html>", "type_mismatch"),
        ("photo.png", png_bytes()[:40], "type_mismatch"),
        ("photo.jpg", png_bytes(), "type_mismatch"),
        ("report.docx", ooxml_bytes("xlsx"), "type_mismatch"),
        ("report.docx", b"PK\x03\x04 not really a zip", "type_mismatch"),
        ("minutes.odt", ooxml_bytes("docx"), "type_mismatch"),
        ("notes.txt", b"text\x00with a NUL byte", "type_mismatch"),
        ("notes.txt", PDF, "type_mismatch"),
        ("notes.txt", "caf\xe9".encode("latin-1"), "not_utf8"),
        ("tool.exe", b"MZ\x90\x00", "not_allowed"),
        ("page.html", b"<html></html>", "not_allowed"),
        ("noextension", b"hello", "not_allowed"),
        ("..\\..\\evil.pdf", PDF, "path_in_name"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_bad_files_are_refused_with_a_clear_reason(name, content, code):
    with pytest.raises(ValidationError) as error:
        check_upload(upload(name, content))
    assert error.value.code == code
    assert str(error.value.messages[0])


def test_a_path_given_as_the_file_name_is_refused_and_nothing_is_stored(private_files):
    community = CommunityFactory()
    item = make_item(community)
    for name in ("../../etc/plan.pdf", "..\\plan.pdf", "dir/plan.pdf"):
        with pytest.raises(ValidationError) as error:
            services.file_attach(item=item, by=item.created_by, upload=upload("plan.pdf", PDF), filename=name)
        assert error.value.code == "path_in_name"
    assert not ItemFile.objects.exists()
    assert stored_files(private_files) == []


def test_an_oversized_file_is_refused_and_nothing_is_stored(settings, private_files):
    settings.KNOWLEDGE_MAX_UPLOAD_SIZE = 1024
    item = make_item(CommunityFactory())
    with pytest.raises(ValidationError) as error:
        services.file_attach(item=item, by=item.created_by, upload=upload("big.pdf", PDF + b"0" * 2048))
    assert error.value.code == "too_large"
    assert "1.0\xa0KB" in error.value.messages[0]
    assert not ItemFile.objects.exists()
    assert stored_files(private_files) == []


def test_files_are_stored_under_random_names_outside_the_media_root(settings, private_files):
    item = make_item(CommunityFactory())
    attached = services.file_attach(item=item, by=item.created_by, upload=upload("Piano energia.pdf", PDF))
    path = Path(attached.file.path)
    assert path.is_file() and path.read_bytes() == PDF
    assert str(path).startswith(str(private_files))
    assert not str(path).startswith(str(settings.MEDIA_ROOT))
    assert re.fullmatch(r"knowledge/[0-9a-f]{2}/[0-9a-f]{32}", attached.file.name)
    assert attached.original_name == "Piano energia.pdf"
    again = services.file_attach(item=item, by=item.created_by, upload=upload("Piano energia.pdf", PDF))
    assert again.pk == attached.pk
    assert len(stored_files(private_files)) == 1


def test_images_get_a_thumbnail_and_pdfs_an_icon(client):
    community = CommunityFactory()
    item = make_item(community, visibility=V.PUBLIC)
    image = services.file_attach(item=item, by=item.created_by, upload=upload("map.png", png_bytes((1200, 800))))
    pdf = services.file_attach(item=item, by=item.created_by, upload=upload("plan.pdf", PDF))
    assert image.thumbnail and not pdf.thumbnail
    from PIL import Image

    with Image.open(image.thumbnail.path) as thumb:
        assert max(thumb.size) <= 480
    response = client.get(reverse("knowledge:file_thumbnail", args=[community.slug, image.uuid]))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    response = client.get(reverse("knowledge:file_thumbnail", args=[community.slug, pdf.uuid]))
    assert response.status_code == 302 and response["Location"].endswith("file-icon.svg")


def test_only_editors_attach_files():
    community = CommunityFactory()
    item = make_item(community)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.file_attach(item=item, by=make_member(community), upload=upload("plan.pdf", PDF))


def test_downloads_are_attachments_with_the_checked_type_and_nosniff(client):
    community = CommunityFactory()
    item = make_item(community, visibility=V.PUBLIC)
    attached = services.file_attach(item=item, by=item.created_by, upload=upload("Città «piano».pdf", PDF))
    response = client.get(reverse("knowledge:file_download", args=[community.slug, attached.uuid]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''Citt%C3%A0%20%C2%ABpiano%C2%BB.pdf" in response["Content-Disposition"]
    assert "sandbox" in response["Content-Security-Policy"]


def test_an_html_file_in_disguise_is_never_served_as_html(client):
    community = CommunityFactory()
    item = make_item(community, visibility=V.PUBLIC)
    attached = services.file_attach(
        item=item, by=item.created_by, upload=upload("notes.txt", b"<script>alert(1)</script>")
    )
    response = client.get(reverse("knowledge:file_download", args=[community.slug, attached.uuid]))
    assert response["Content-Type"].startswith("text/plain")
    assert response["Content-Disposition"].startswith("attachment;")


def test_uploading_through_the_page_strips_a_path_and_refuses_bad_content(client, private_files):
    community = CommunityFactory()
    item = make_item(community)
    client.force_login(item.created_by)
    url = reverse("knowledge:file_upload", args=[community.slug, item.pk])
    response = client.post(url, {"file": upload("../../../etc/plan.pdf", PDF)}, follow=True)
    assert response.status_code == 200
    assert list(ItemFile.objects.values_list("original_name", flat=True)) == ["plan.pdf"]
    response = client.post(url, {"file": upload("photo.png", b"<svg onload=alert(1)>")}, follow=True)
    assert "does not match its type" in response.content.decode()
    assert ItemFile.objects.count() == 1
    assert len(stored_files(private_files)) == 1


@pytest.fixture
def restricted_files():
    """Files of a members-only item, a group-only item and an item of a members-only community."""
    community = CommunityFactory()
    group = GroupFactory(community=community)
    author = make_member(community)
    make_member(community, user=author, group=group)
    members_item = make_item(community, author=author, title="members", visibility=V.COMMUNITY)
    group_item = make_item(community, author=author, title="group", visibility=V.GROUP, group=group)
    draft = make_item(community, author=author, title="draft", visibility=V.PUBLIC, published=False)
    closed = CommunityFactory(visibility=Community.Visibility.MEMBERS)
    closed_item = make_item(closed, title="closed", visibility=V.PUBLIC)
    files = {}
    for item in (members_item, group_item, draft, closed_item):
        attached = services.file_attach(item=item, by=item.created_by, upload=upload("secret.pdf", PDF))
        files[item.title] = (item.community.slug, attached.uuid)
    return {"community": community, "files": files}


@pytest.mark.parametrize("route", ["knowledge:file_download", "knowledge:file_thumbnail"])
def test_outsiders_cannot_download_restricted_files_even_knowing_the_address(client, restricted_files, route):
    community = restricted_files["community"]
    member = make_member(community)
    viewers = {
        "anonymous": (None, {"members", "group", "draft", "closed"}),
        "outsider": (UserFactory(), {"members", "group", "draft", "closed"}),
        "member of another community": (make_member(CommunityFactory()), {"members", "group", "draft", "closed"}),
        "member not in the group": (member, {"group", "draft", "closed"}),
    }
    for label, (user, forbidden) in viewers.items():
        client.logout()
        if user is not None:
            client.force_login(user)
        for title in forbidden:
            slug, uuid = restricted_files["files"][title]
            response = client.get(reverse(route, args=[slug, uuid]))
            assert response.status_code in {404, 302}, f"{label} reached the {title} file"
            if response.status_code == 302:
                assert user is None and response["Location"].startswith("/accounts/login/")
            # The same file through the address of a community the viewer does belong to.
            response = client.get(reverse(route, args=[community.slug, uuid]))
            if not (title == "members" and user == member):
                assert response.status_code in {404, 302}, f"{label} reached the {title} file via another slug"


def test_group_members_download_group_files(client, restricted_files):
    slug, uuid = restricted_files["files"]["group"]
    item = KnowledgeItem.objects.get(title="group")
    client.force_login(item.created_by)
    response = client.get(reverse("knowledge:file_download", args=[slug, uuid]))
    assert response.status_code == 200
