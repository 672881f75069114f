"""Where uploaded knowledge files live: outside MEDIA_ROOT, under generated names."""

from __future__ import annotations

import os
import uuid

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible
from django.utils.functional import cached_property


@deconstructible
class PrivateFileStorage(FileSystemStorage):
    """Store files under settings.KNOWLEDGE_FILES_ROOT, which no URL maps to.

    Files are only ever sent by the download view after a permission check, so this
    storage has no URL. The root is read from settings on each access, so tests can
    point it at a temporary directory.
    """

    def __init__(self):
        super().__init__()

    @property
    def base_location(self):
        return str(settings.KNOWLEDGE_FILES_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @cached_property
    def base_url(self):
        return None

    def url(self, name):
        raise ValueError("Knowledge files have no public URL; use the download view.")


private_storage = PrivateFileStorage()


def generated_name(instance, filename: str) -> str:
    """Return a random storage name that reveals nothing of the item, the community or the original name."""
    token = uuid.uuid4().hex
    return f"knowledge/{token[:2]}/{token}"


def generated_thumbnail_name(instance, filename: str) -> str:
    token = uuid.uuid4().hex
    return f"knowledge/thumbs/{token[:2]}/{token}.png"
