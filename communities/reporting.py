"""Marks that what a community's reports count has changed; cop_portal/reports counts them again.

A report's tables (cop_portal/reports/store.py) are counted in the background and kept. Every
service that changes what they count (memberships, meetings, registrations, attendance,
published knowledge, answers, groups, partners, reporting dimensions) calls
`reports_changed(community_id)` inside its transaction: once it commits, the community's
"changed at" time is written to the cache (one SET, nothing counted in the request), and the
next run of the beat task `reports.refresh_reports` counts that community's tables again.
A rolled-back change marks nothing.
"""

from __future__ import annotations

import time

from django.core.cache import cache
from django.db import transaction


def changed_key(community_id: int) -> str:
    return f"reports:changed:{community_id}"


def reports_changed(community_id: int | None) -> None:
    """Once this transaction commits, note that community's report figures are out of date."""
    if community_id is None:
        return
    transaction.on_commit(lambda: cache.set(changed_key(community_id), time.time(), timeout=None))


def reports_changed_at(community_id: int) -> float | None:
    """Return when community's reported data last changed (a POSIX time), or None when not noted."""
    return cache.get(changed_key(community_id))
