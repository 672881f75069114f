"""migrate_files_to_storage: files on the disk copied to the object store, verified, idempotent."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db

FILES = {
    "media": {"communities/logos/rebuild.png": b"\x89PNG logo", "private/data-exports/7/abc.zip": b"PK zip"},
    "private": {"knowledge/ab/ab12": b"%PDF-1.4 a plan", "knowledge/thumbs/cd/cd34.png": b"\x89PNG thumb"},
}


@pytest.fixture
def files_on_disk(object_storage, settings):
    for folder, root in (("media", settings.MEDIA_ROOT), ("private", settings.KNOWLEDGE_FILES_ROOT)):
        for name, content in FILES[folder].items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
    return object_storage


def run(*args) -> str:
    out = io.StringIO()
    call_command("migrate_files_to_storage", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def expected_objects() -> dict[str, bytes]:
    return {f"{folder}/{name}": content for folder, files in FILES.items() for name, content in files.items()}


def test_a_dry_run_reports_and_copies_nothing(files_on_disk):
    output = run("--dry-run")
    assert "would copy 4, skipped 0" in output
    assert "would copy knowledge/ab/ab12 (15 bytes)" in output
    assert files_on_disk.objects() == []


def test_files_are_copied_under_the_same_names_and_verified(files_on_disk):
    output = run()
    assert "copied 4, skipped 0 (already there and equal), failed 0." in output
    assert files_on_disk.objects() == sorted(expected_objects())
    for key, content in expected_objects().items():
        assert files_on_disk.read(key) == content
    assert f"sha256 {hashlib.sha256(b'%PDF-1.4 a plan').hexdigest()[:12]}" in output


def test_running_again_skips_what_is_there_and_equal_and_replaces_what_differs(files_on_disk):
    run()
    output = run()
    assert "copied 0, skipped 4" in output
    # An object that differs (a partial copy, a changed file) is copied again and verified.
    files_on_disk.client.put_object(Bucket=files_on_disk.bucket, Key="private/knowledge/ab/ab12", Body=b"trunc")
    output = run()
    assert "copied 1, skipped 3" in output
    assert files_on_disk.read("private/knowledge/ab/ab12") == b"%PDF-1.4 a plan"


def test_a_copy_that_does_not_read_back_equal_fails_the_command(files_on_disk, monkeypatch):
    from cop_portal.management.commands import migrate_files_to_storage as command

    monkeypatch.setattr(command, "stored_checksum", lambda storage, name: (0, "0" * 64))
    with pytest.raises(CommandError, match="failed 4"):
        run()


def test_the_downloads_work_from_the_bucket_after_the_move(files_on_disk, client, settings):
    from django.urls import reverse

    from knowledge import services
    from knowledge.models import ItemFile, KnowledgeItem
    from tests.factories import CommunityFactory
    from tests.knowledge.helpers import PDF, make_item, upload

    # A file attached while the portal ran on the disk...
    object_storage_settings = settings.STORAGES
    settings.STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "private": {"BACKEND": "members.storage.LocalPrivateStorage"},
        "staticfiles": object_storage_settings["staticfiles"],
    }
    community = CommunityFactory()
    item = make_item(community, visibility=KnowledgeItem.Visibility.PUBLIC)
    attached = services.file_attach(item=item, by=item.created_by, upload=upload("plan.pdf", PDF))
    assert (settings.KNOWLEDGE_FILES_ROOT / attached.file.name).read_bytes() == PDF
    # ...is served from the bucket once the files moved and the portal switched over.
    settings.STORAGES = object_storage_settings
    assert "copied 5" in run()
    response = client.get(reverse("knowledge:file_download", args=[community.slug, attached.uuid]))
    assert response.status_code == 302 and "X-Amz-Signature=" in response["Location"]
    assert files_on_disk.read(f"private/{ItemFile.objects.get().file.name}") == PDF
