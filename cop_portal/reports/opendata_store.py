"""The open-data bundle, built in the background and stored, so a download never builds it.

Building a large community's bundle reads every public meeting and item: seconds, past a web
worker's timeout at network scale. So the bundle is a file in the default storage, built by the
Celery task `reports.build_open_data` (enqueued through members.outbox), which beat runs:
`reports.refresh_open_data` every 15 minutes rebuilds the bundles of the public communities
whose meetings, items or partners changed since their last build (and those never built), and
`reports.build_all_open_data` rebuilds every one nightly. The page shows when the file was built.

The single files (/open-data/public-meetings.csv...) are read from the stored bundle too: building the
knowledge file of the largest community alone takes seconds at network scale.

Each build is written under a new name (its build time) and the older ones are removed after,
so a download running meanwhile always finds a whole file. Only when no file exists yet is the
bundle built on demand, once at a time per community (a cache lock); others are asked to retry.
Every absolute address in the files is made from SITE_URL, whoever's request triggered the build.
"""

from __future__ import annotations

import posixpath
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urljoin

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from communities.models import Community, Partnership
from knowledge.models import KnowledgeItem
from meetings.models import Meeting

from .opendata import bundle_bytes, publishes_open_data

STAMP = "%Y%m%dT%H%M%S%fZ"
BUILD_LOCK_SECONDS = 300


@dataclass(frozen=True)
class StoredBundle:
    name: str
    built_at: datetime


class _SiteRequest:
    """What the dataset builders ask of a request: absolute addresses, here on SITE_URL."""

    def build_absolute_uri(self, location: str) -> str:
        return urljoin(settings.SITE_URL, location)


def _folder(community: Community) -> str:
    return posixpath.join(getattr(settings, "OPEN_DATA_PREFIX", "open-data"), str(community.pk))


def _built_at(name: str) -> datetime | None:
    try:
        return datetime.strptime(posixpath.basename(name).removesuffix(".zip"), STAMP).replace(tzinfo=UTC)
    except ValueError:
        return None


def _stored(community: Community) -> list[StoredBundle]:
    folder = _folder(community)
    try:
        _dirs, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return []
    found = [StoredBundle(posixpath.join(folder, name), built) for name in files if (built := _built_at(name))]
    return sorted(found, key=lambda bundle: bundle.built_at)


def stored_bundle(community: Community) -> StoredBundle | None:
    """Return the latest stored bundle of community, or None when none was built yet (no query)."""
    stored = _stored(community)
    return stored[-1] if stored else None


def open_data_build(*, community: Community) -> StoredBundle | None:
    """Build community's bundle, store it under a new name and remove the older ones; None if it publishes nothing."""
    if not publishes_open_data(community):
        return None
    built_at = datetime.now(UTC)
    content = bundle_bytes(_SiteRequest(), community)
    name = default_storage.save(
        posixpath.join(_folder(community), built_at.strftime(STAMP) + ".zip"), ContentFile(content)
    )
    for older in _stored(community):
        if older.name != name and older.built_at <= built_at:
            default_storage.delete(older.name)
    return StoredBundle(name, built_at)


def bundle_for_download(community: Community) -> StoredBundle | None:
    """Return the stored bundle; build it now if none exists and no other build runs (else None: retry later)."""
    stored = stored_bundle(community)
    if stored is not None:
        return stored
    lock = f"open-data-build:{community.pk}"
    if not cache.add(lock, 1, BUILD_LOCK_SECONDS):
        return None
    try:
        return open_data_build(community=community)
    finally:
        cache.delete(lock)


def bundle_member(stored: StoredBundle, filename: str) -> bytes:
    """Return one file of a stored bundle (a dataset's CSV or JSON, as the bundle holds it)."""
    with default_storage.open(stored.name, "rb") as stored_file, zipfile.ZipFile(stored_file) as bundle:
        return bundle.read(filename)


def changed_since(community: Community, moment: datetime) -> bool:
    """Return whether anything the bundle publishes may have changed in community since moment."""
    return (
        Meeting.objects.filter(community=community, updated_at__gt=moment).exists()
        or KnowledgeItem.objects.filter(community=community, updated_at__gt=moment).exists()
        or Partnership.objects.filter(community=community, updated_at__gt=moment).exists()
        or community.updated_at > moment
    )


def communities_to_rebuild() -> list[int]:
    """Return the ids of the public communities whose bundle is missing or older than their last change."""
    ids = []
    for community in Community.objects.filter(visibility=Community.Visibility.PUBLIC).order_by("pk"):
        stored = stored_bundle(community)
        if stored is None or changed_since(community, stored.built_at):
            ids.append(community.pk)
    return ids
