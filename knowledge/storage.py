"""Where uploaded knowledge files live: in the private storage, under generated names."""

from __future__ import annotations

import uuid

from django.core.files.storage import Storage, storages
from django.utils.deconstruct import deconstructible


@deconstructible
class PrivateFileStorage(Storage):
    """The "private" storage of settings.STORAGES, looked up on each use.

    Knowledge files live outside MEDIA_ROOT on the local disk (members.storage.LocalPrivateStorage)
    or under the private/ prefix of a private bucket (members.storage.PortalS3Storage): either way
    no public URL reaches them, and only the download view sends them, after the permission check.
    The model fields keep this one object (and their migrations its name); each call goes to the
    storage configured now, so tests and deployments can switch it.
    """

    @property
    def target(self) -> Storage:
        return storages["private"]

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.target, name)

    def open(self, name, mode="rb"):
        return self.target.open(name, mode)

    def save(self, name, content, max_length=None):
        return self.target.save(name, content, max_length=max_length)

    def _open(self, name, mode="rb"):
        return self.target._open(name, mode)

    def _save(self, name, content):
        return self.target._save(name, content)

    def get_valid_name(self, name):
        return self.target.get_valid_name(name)

    def get_alternative_name(self, file_root, file_ext):
        return self.target.get_alternative_name(file_root, file_ext)

    def get_available_name(self, name, max_length=None):
        return self.target.get_available_name(name, max_length=max_length)

    def generate_filename(self, filename):
        return self.target.generate_filename(filename)

    def path(self, name):
        return self.target.path(name)

    def delete(self, name):
        return self.target.delete(name)

    def exists(self, name):
        return self.target.exists(name)

    def listdir(self, path):
        return self.target.listdir(path)

    def size(self, name):
        return self.target.size(name)

    def url(self, name, *args, **kwargs):
        return self.target.url(name, *args, **kwargs)

    def get_accessed_time(self, name):
        return self.target.get_accessed_time(name)

    def get_created_time(self, name):
        return self.target.get_created_time(name)

    def get_modified_time(self, name):
        return self.target.get_modified_time(name)


private_storage = PrivateFileStorage()


def generated_name(instance, filename: str) -> str:
    """Return a random storage name that reveals nothing of the item, the community or the original name."""
    token = uuid.uuid4().hex
    return f"knowledge/{token[:2]}/{token}"


def generated_thumbnail_name(instance, filename: str) -> str:
    token = uuid.uuid4().hex
    return f"knowledge/thumbs/{token[:2]}/{token}.png"
