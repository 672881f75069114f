"""Stored files follow their rows: an ItemFile deleted in any way removes its objects after commit.

Deleting an item, a group or a community cascades to their files in the database; this receiver
makes the stored objects (file and thumbnail, on disk or in the bucket) go with them, once the
transaction commits. The services delete rows only; nothing else removes stored files.
"""

from __future__ import annotations

from django.db.models.signals import post_delete
from django.dispatch import receiver

from .models import ItemFile
from .services.files import delete_stored_after_commit


@receiver(post_delete, sender=ItemFile, dispatch_uid="knowledge.delete_stored_item_file")
def delete_stored_item_file(sender, instance: ItemFile, **kwargs) -> None:
    delete_stored_after_commit([instance])
