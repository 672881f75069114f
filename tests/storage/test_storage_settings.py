"""STORAGE_URL and AWS_* read into the two storages; nothing set keeps the local disk."""

from __future__ import annotations

import pytest

from cop_portal.settings.base import file_storages, object_storage_options, storage_origin


def test_nothing_set_keeps_files_on_the_local_disk(monkeypatch):
    monkeypatch.delenv("AWS_STORAGE_BUCKET_NAME", raising=False)
    assert object_storage_options("") is None
    storages = file_storages(None)
    assert storages["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert storages["private"]["BACKEND"] == "members.storage.LocalPrivateStorage"
    assert storage_origin(None) is None


def test_a_storage_url_names_bucket_endpoint_region_and_optionally_credentials():
    options = object_storage_options("s3://k%2Fey:s%40cret@cop-files?endpoint_url=http://minio:9000&region=eu-south-1")
    assert options == {
        "bucket_name": "cop-files",
        "endpoint_url": "http://minio:9000",
        "region_name": "eu-south-1",
        "access_key": "k/ey",
        "secret_key": "s@cret",
        "addressing_style": "path",
    }
    storages = file_storages(options)
    assert storages["default"]["OPTIONS"]["location"] == "media"
    assert storages["private"]["OPTIONS"]["location"] == "private"
    assert storages["private"]["OPTIONS"]["querystring_expire"] == 60
    assert storage_origin(options) == "http://minio:9000"


def test_aws_variables_work_without_a_storage_url(monkeypatch):
    monkeypatch.setenv("AWS_STORAGE_BUCKET_NAME", "portal-files")
    monkeypatch.setenv("AWS_S3_REGION_NAME", "eu-west-1")
    monkeypatch.delenv("AWS_S3_ENDPOINT_URL", raising=False)
    options = object_storage_options("")
    assert options == {"bucket_name": "portal-files", "endpoint_url": None, "region_name": "eu-west-1"}
    assert storage_origin(options) == "https://*.amazonaws.com"


@pytest.mark.parametrize("url", ["http://bucket", "s3://", "/var/files"])
def test_a_storage_url_that_is_not_s3_is_refused_at_start(url):
    with pytest.raises(ValueError, match="STORAGE_URL"):
        object_storage_options(url)


def test_the_page_policy_lets_logos_load_from_the_object_store(settings):
    from cop_portal.security import build_policy

    settings.STORAGE_ORIGIN = None
    assert "img-src 'self' data:;" in build_policy("n")
    settings.STORAGE_ORIGIN = "http://localhost:9000"
    assert "img-src 'self' data: http://localhost:9000;" in build_policy("n")
