"""Where uploaded files live: the local disk (the embedded default) or an S3-compatible object store.

settings.STORAGES names two storages: "default" (logos, report PDFs, open-data bundles) and
"private" (knowledge files and their thumbnails, personal-data exports). Both are on the local disk unless
STORAGE_URL or AWS_STORAGE_BUCKET_NAME is set; then both are in one private bucket, under the
prefixes media/ and private/ (cop_portal.settings.base).

Nothing in the bucket is public: an object is reached only through a presigned URL that expires
(querystring_auth), which the portal hands out only after its own permission check
(serve_stored_file). Files are never overwritten: names are generated, and a name taken gets a
suffix (file_overwrite False).
"""

from __future__ import annotations

import hashlib
import os
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.utils.deconstruct import deconstructible
from django.utils.functional import cached_property
from storages.backends.s3 import S3Storage
from storages.utils import clean_name


@deconstructible
class LocalPrivateStorage(FileSystemStorage):
    """Store files under settings.KNOWLEDGE_FILES_ROOT, which no URL maps to.

    Files are only ever sent by a download view after a permission check, so this storage has
    no URL. The root is read from settings on each access, so tests can point it at a temporary
    directory.
    """

    def __init__(self, **kwargs):
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
        raise ValueError("Private files have no public URL; use the download view.")


class PortalS3Storage(S3Storage):
    """django-storages' S3 backend, private by default, signing URLs for the address browsers use.

    In a compose stack the web service reaches the object store as http://minio:9000 while
    browsers reach it as, say, http://localhost:9000: public_endpoint_url signs the download
    URLs for that second address (a presigned URL carries the host it was signed for).
    """

    def get_default_settings(self):
        defaults = super().get_default_settings()
        defaults.update(
            {
                "default_acl": None,
                "querystring_auth": True,
                "file_overwrite": False,
                "signature_version": "s3v4",
                "public_endpoint_url": getattr(settings, "STORAGE_PUBLIC_ENDPOINT_URL", None),
            }
        )
        return defaults

    @property
    def signing_connection(self):
        if not self.public_endpoint_url or self.public_endpoint_url == self.endpoint_url:
            return self.connection
        connection = getattr(self._connections, "signing", None)
        if connection is None:
            connection = self._create_session().resource(
                "s3",
                region_name=self.region_name,
                use_ssl=self.use_ssl,
                endpoint_url=self.public_endpoint_url,
                config=self.client_config,
                verify=self.verify,
            )
            self._connections.signing = connection
        return connection

    def url(self, name, parameters=None, expire=None, http_method=None):
        name = self._normalize_name(clean_name(name))
        params = {**(parameters or {}), "Bucket": self.bucket_name, "Key": name}
        return self.signing_connection.meta.client.generate_presigned_url(
            "get_object",
            Params=params,
            ExpiresIn=self.querystring_expire if expire is None else expire,
            HttpMethod=http_method,
        )


def signs_urls(storage: Storage) -> bool:
    """Return True if storage hands out expiring signed URLs (an object store), False for the local disk."""
    return bool(getattr(storage, "querystring_auth", False))


def _content_disposition(filename: str, *, as_attachment: bool) -> str:
    kind = "attachment" if as_attachment else "inline"
    ascii_name = filename.encode("ascii", "ignore").decode().replace('"', "").replace("\\", "") or "download"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


def serve_stored_file(
    storage: Storage,
    name: str,
    *,
    filename: str,
    content_type: str = "application/octet-stream",
    as_attachment: bool = True,
    stream: bool = False,
):
    """Answer a download the caller has already allowed (the permission check comes first, always).

    On an object store the answer is a redirect to a presigned URL valid for
    settings.STORAGE_SIGNED_URL_EXPIRY seconds, with the file name and type the download should
    have; on the local disk (or with stream=True, for images shown inside pages, which the
    Content-Security-Policy keeps to this site) the file is streamed. A missing file is a 404.
    """
    if signs_urls(storage) and not stream:
        url = storage.url(
            name,
            parameters={
                "ResponseContentDisposition": _content_disposition(filename, as_attachment=as_attachment),
                "ResponseContentType": content_type,
                "ResponseCacheControl": "private, no-store",
            },
            expire=settings.STORAGE_SIGNED_URL_EXPIRY,
        )
        response = HttpResponseRedirect(url)
        response["Cache-Control"] = "private, no-store"
        # The signed address is a bearer credential for a while: it is not passed on as a Referer.
        response["Referrer-Policy"] = "no-referrer"
        return response
    try:
        handle = storage.open(name, "rb")
    except (FileNotFoundError, OSError) as error:
        raise Http404 from error
    except Exception as error:  # an object store answers a missing key with its own error
        if error.__class__.__name__ in {"ClientError", "NoSuchKey"}:
            raise Http404 from error
        raise
    return FileResponse(handle, as_attachment=as_attachment, filename=filename, content_type=content_type)


def stored_checksum(storage: Storage, name: str) -> tuple[int, str]:
    """Return (size, sha256 hex digest) of a stored file, read back in chunks."""
    digest = hashlib.sha256()
    size = 0
    with storage.open(name, "rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def delete_after_commit(fields) -> None:
    """Delete the stored files of these FieldFiles (blank ones skipped) once the transaction commits.

    Files are not rows: deleting them before the commit would leave rows without files if the
    transaction rolled back, so they go only after it committed.
    """
    names = [(field.storage, field.name) for field in fields if field and field.name]
    if names:
        transaction.on_commit(lambda: [storage.delete(name) for storage, name in names])
