"""Files on an S3-compatible object store: upload, checked download by presigned URL, expiry, deletion.

Everything goes over HTTP to a real S3 server (moto's server mode behind a gate that checks
presigned signatures and expiry, tests/storage/s3server.py): the same boto3 calls the portal makes
to AWS S3 or MinIO.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.urls import reverse

from knowledge import services
from knowledge.models import ItemFile, KnowledgeItem
from tests.factories import CommunityFactory, UserFactory, make_member
from tests.knowledge.helpers import PDF, make_coordinator, make_item, png_bytes, upload

pytestmark = pytest.mark.django_db
V = KnowledgeItem.Visibility


def fetch(url: str) -> tuple[int, dict, bytes]:
    """GET url with nothing but the URL (no credentials), as a browser following the redirect does."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - the test server's URL
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


def test_settings_read_storage_url_into_two_private_storages(object_storage):
    default, private = storages["default"], storages["private"]
    for storage, location in ((default, "media"), (private, "private")):
        assert type(storage).__name__ == "PortalS3Storage"
        assert storage.bucket_name == object_storage.bucket
        assert storage.location == location
        assert storage.default_acl is None and storage.querystring_auth is True
        assert storage.file_overwrite is False
        assert storage.endpoint_url == object_storage.server.endpoint_url


def test_an_uploaded_file_goes_to_the_private_bucket_and_not_to_the_disk(client, object_storage, settings):
    community = CommunityFactory()
    item = make_item(community)
    client.force_login(item.created_by)
    response = client.post(
        reverse("knowledge:file_upload", args=[community.slug, item.pk]), {"file": upload("Piano.pdf", PDF)}
    )
    assert response.status_code == 302
    attached = ItemFile.objects.get(item=item)
    assert object_storage.objects() == [f"private/{attached.file.name}"]
    assert object_storage.read(f"private/{attached.file.name}") == PDF
    assert not settings.KNOWLEDGE_FILES_ROOT.exists() or not any(settings.KNOWLEDGE_FILES_ROOT.rglob("*.*"))
    # Nobody reads the bucket without a signature: the bucket path itself is refused.
    status, _headers, _body = fetch(
        f"{object_storage.server.endpoint_url}/{object_storage.bucket}/private/{attached.file.name}"
    )
    assert status == 403


def test_a_download_is_checked_first_then_answered_with_a_presigned_url(client, object_storage):
    community = CommunityFactory()
    item = make_item(community, visibility=V.COMMUNITY)
    attached = services.file_attach(item=item, by=item.created_by, upload=upload("Città piano.pdf", PDF))
    url = reverse("knowledge:file_download", args=[community.slug, attached.uuid])

    for outsider in (UserFactory(), make_member(CommunityFactory())):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
    client.logout()
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")

    client.force_login(make_member(community))
    response = client.get(url)
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(f"{object_storage.server.endpoint_url}/{object_storage.bucket}/private/knowledge/")
    query = parse_qs(urlsplit(location).query)
    assert query["X-Amz-Expires"] == ["60"] and "X-Amz-Signature" in query
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "no-referrer"

    status, headers, body = fetch(location)
    assert status == 200 and body == PDF
    assert headers["content-type"] == "application/pdf"
    assert headers["content-disposition"].startswith("attachment;")
    assert "filename*=UTF-8''Citt%C3%A0%20piano.pdf" in headers["content-disposition"]
    # A changed signature, or the key of another object under the same signature, is refused.
    tampered = location.replace("X-Amz-Signature=", "X-Amz-Signature=0")
    assert fetch(tampered)[0] == 403


def test_the_presigned_url_stops_working_after_its_expiry(client, object_storage, settings):
    settings.STORAGE_SIGNED_URL_EXPIRY = 2
    community = CommunityFactory()
    item = make_item(community, visibility=V.PUBLIC)
    attached = services.file_attach(item=item, by=item.created_by, upload=upload("plan.pdf", PDF))
    response = client.get(reverse("knowledge:file_download", args=[community.slug, attached.uuid]))
    location = response["Location"]
    assert parse_qs(urlsplit(location).query)["X-Amz-Expires"] == ["2"]
    assert fetch(location)[:1] == (200,)
    time.sleep(3.5)
    status, _headers, body = fetch(location)
    assert status == 403 and b"Request has expired" in body
    # The page hands out a fresh one, after checking again.
    assert (
        fetch(client.get(reverse("knowledge:file_download", args=[community.slug, attached.uuid]))["Location"])[0]
        == 200
    )


def test_thumbnails_are_streamed_from_the_bucket_for_pages_that_show_them(client, object_storage):
    community = CommunityFactory()
    item = make_item(community, visibility=V.PUBLIC)
    attached = services.file_attach(item=item, by=item.created_by, upload=upload("map.png", png_bytes((800, 600))))
    assert f"private/{attached.thumbnail.name}" in object_storage.objects()
    response = client.get(reverse("knowledge:file_thumbnail", args=[community.slug, attached.uuid]))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


def test_deleting_an_item_deletes_its_objects_once_committed(object_storage, django_capture_on_commit_callbacks):
    community = CommunityFactory()
    item = make_item(community)
    image = services.file_attach(item=item, by=item.created_by, upload=upload("map.png", png_bytes()))
    services.file_attach(item=item, by=item.created_by, upload=upload("plan.pdf", PDF))
    other_item = make_item(community)
    other = services.file_attach(item=other_item, by=other_item.created_by, upload=upload("keep.pdf", PDF))
    assert len(object_storage.objects()) == 4  # two files, a thumbnail and the other item's file
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.item_delete(item=item, by=make_coordinator(community))
    assert len(object_storage.objects()) == 4, "nothing goes before the deletion commits"
    assert not ItemFile.objects.filter(pk=image.pk).exists()
    for callback in callbacks:
        callback()
    assert object_storage.objects() == [f"private/{other.file.name}"]


def test_removing_one_file_deletes_its_object_once_committed(object_storage, django_capture_on_commit_callbacks):
    community = CommunityFactory()
    item = make_item(community)
    gone = services.file_attach(item=item, by=item.created_by, upload=upload("old.pdf", PDF))
    kept = services.file_attach(item=item, by=item.created_by, upload=upload("new.txt", b"notes"))
    with django_capture_on_commit_callbacks(execute=True):
        services.file_remove(attached=gone, by=item.created_by)
    assert object_storage.objects() == [f"private/{kept.file.name}"]


def test_a_cascade_from_a_deleted_community_deletes_its_objects_once_committed(
    object_storage, django_capture_on_commit_callbacks
):
    """Rows deleted by a cascade (a community with its items) take their stored objects with them."""
    community = CommunityFactory()
    item = make_item(community)
    services.file_attach(item=item, by=item.created_by, upload=upload("map.png", png_bytes()))
    services.file_attach(item=item, by=item.created_by, upload=upload("plan.pdf", PDF))
    other_item = make_item(CommunityFactory())
    kept = services.file_attach(item=other_item, by=other_item.created_by, upload=upload("keep.pdf", PDF))
    assert len(object_storage.objects()) == 4
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        community.delete()
    assert len(object_storage.objects()) == 4, "nothing goes before the deletion commits"
    for callback in callbacks:
        callback()
    assert object_storage.objects() == [f"private/{kept.file.name}"]


def test_a_deleted_communitys_logos_leave_the_bucket_once_committed(object_storage, django_capture_on_commit_callbacks):
    community = CommunityFactory()
    community.logo = default_storage.save("communities/logos/logo.png", ContentFile(png_bytes(), name="logo.png"))
    community.logo_small = default_storage.save("communities/logos/small.png", ContentFile(png_bytes(), name="s.png"))
    community.save()
    other = default_storage.save("communities/logos/other.png", ContentFile(png_bytes(), name="other.png"))
    assert len(object_storage.objects()) == 3
    with django_capture_on_commit_callbacks(execute=True):
        community.delete()
    assert object_storage.objects() == [f"media/{other}"]


def test_media_files_are_in_the_bucket_with_signed_urls_too(object_storage):
    name = default_storage.save("communities/logos/logo.png", ContentFile(png_bytes(), name="logo.png"))
    assert object_storage.objects() == [f"media/{name}"]
    url = default_storage.url(name)
    assert "X-Amz-Signature=" in url
    status, _headers, body = fetch(url)
    assert status == 200 and body.startswith(b"\x89PNG")
    # Names are never overwritten: a second file of the same name gets its own.
    second = default_storage.save("communities/logos/logo.png", ContentFile(b"other", name="logo.png"))
    assert second != name and object_storage.read(f"media/{name}").startswith(b"\x89PNG")


def test_a_data_export_is_built_into_the_bucket_and_served_only_to_its_person(client, object_storage):
    import io
    import zipfile

    from cop_portal.models import DataExport
    from cop_portal.privacy.export import build_and_send

    community = CommunityFactory()
    zelda, oscar = make_member(community), make_member(community)
    export = DataExport.objects.create(user=zelda)
    assert build_and_send(export.pk) is True
    export.refresh_from_db()
    assert object_storage.objects() == [f"private/{export.path}"], "under the private prefix, as knowledge files"
    url = reverse("me:data_download", kwargs={"export_pk": export.pk})
    client.force_login(oscar)
    assert client.get(url).status_code == 404
    client.force_login(zelda)
    response = client.get(url)
    assert response.status_code == 302 and "X-Amz-Signature=" in response["Location"]
    status, headers, body = fetch(response["Location"])
    assert status == 200 and headers["content-type"] == "application/zip"
    assert sorted(zipfile.ZipFile(io.BytesIO(body)).namelist()) == ["data.json", "index.html"]


def test_the_report_pdf_reads_a_logo_from_the_bucket_through_the_storage(object_storage, settings):
    import base64

    from cop_portal.reports.pdf import link_callback

    settings.STORAGE_ORIGIN = object_storage.server.endpoint_url
    logo = png_bytes()
    name = default_storage.save("communities/logos/rebuild.png", ContentFile(logo, name="rebuild.png"))
    resolved = link_callback(default_storage.url(name))
    assert resolved.startswith("data:image/png;base64,")
    assert base64.b64decode(resolved.split(",", 1)[1]) == logo
    # Nothing else from the store (or anywhere) is fetched.
    other = default_storage.save("private/data-exports/1/x.zip", ContentFile(b"PK", name="x.zip"))
    assert link_callback(default_storage.url(other)) == ""
    assert link_callback("https://evil.example/communities/logos/x.png") == ""
