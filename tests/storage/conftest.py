"""Object storage for the tests: a real S3-compatible HTTP server (moto's, see s3server.py), one bucket per test."""

from __future__ import annotations

import uuid
from types import SimpleNamespace

import pytest

from cop_portal.settings.base import file_storages, object_storage_options

from .s3server import REGION, S3Server


@pytest.fixture(scope="session")
def s3_server():
    server = S3Server().start()
    yield server
    server.stop()


def new_bucket(server: S3Server) -> str:
    bucket = f"cop-test-{uuid.uuid4().hex[:16]}"
    server.client().create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
    return bucket


@pytest.fixture
def object_storage(settings, s3_server, tmp_path):
    """Point the "default" and "private" storages at a fresh private bucket, as STORAGE_URL does."""
    bucket = new_bucket(s3_server)
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.KNOWLEDGE_FILES_ROOT = tmp_path / "private"
    storage_url = s3_server.storage_url(bucket)
    settings.STORAGES = {
        **file_storages(object_storage_options(storage_url)),
        "staticfiles": settings.STORAGES["staticfiles"],
    }
    client = s3_server.client()

    def objects(prefix: str = "") -> list[str]:
        listing = client.list_objects_v2(Bucket=bucket, Prefix=prefix)
        return sorted(entry["Key"] for entry in listing.get("Contents", []))

    def read(key: str) -> bytes:
        return client.get_object(Bucket=bucket, Key=key)["Body"].read()

    return SimpleNamespace(
        bucket=bucket, client=client, server=s3_server, storage_url=storage_url, objects=objects, read=read
    )
