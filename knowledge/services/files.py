"""Files attached to an item."""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile
from django.db import transaction

from members.models import User
from members.storage import delete_after_commit

from ..files import check_upload, make_thumbnail
from ..models import ItemFile, KnowledgeItem
from ._common import _require_editor


def file_attach(*, item: KnowledgeItem, by: User, upload, filename: str | None = None) -> ItemFile:
    """Check upload by size, name and content, then store it under a generated name.

    Anything wrong raises ValidationError before a byte is written. Attaching the same
    file (same name and content) twice returns the first one.
    """
    _require_editor(user=by, item=item)
    checked = check_upload(upload, filename=filename)
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    sha256 = digest.hexdigest()
    existing = ItemFile.objects.filter(item=item, sha256=sha256, original_name=checked.name).first()
    if existing is not None:
        return existing
    thumbnail = make_thumbnail(upload) if checked.content_type.startswith("image/") else None
    attached = ItemFile(
        item=item,
        original_name=checked.name,
        content_type=checked.content_type,
        extension=checked.extension,
        size=checked.size,
        sha256=sha256,
        uploaded_by=by,
    )
    upload.seek(0)
    attached.file.save("upload", upload, save=False)
    try:
        if thumbnail:
            attached.thumbnail.save("thumbnail.png", ContentFile(thumbnail), save=False)
        with transaction.atomic():
            attached.save()
    except Exception:
        _delete_stored(attached)
        raise
    return attached


def _delete_stored(attached: ItemFile) -> None:
    for field in (attached.file, attached.thumbnail):
        if field and field.name:
            field.storage.delete(field.name)


def delete_stored_after_commit(files) -> None:
    """Delete the stored files (and thumbnails) of these ItemFiles once the transaction commits."""
    delete_after_commit([field for attached in files for field in (attached.file, attached.thumbnail)])


def file_remove(*, attached: ItemFile, by: User) -> None:
    _require_editor(user=by, item=attached.item)
    attached.delete()  # its stored objects go after commit (knowledge.signals)
