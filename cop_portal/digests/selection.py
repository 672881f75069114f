"""Who is due: the people whose morning has come and who have no digest on the ledger for the period."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from django.db.models import Exists, OuterRef, Q

from members.models import EmailLedger, User

from .periods import DAILY, WEEKLY, period_for


def _frequency_q(frequency: str) -> Q:
    chosen = Q(notification_preference__digest_frequency=frequency)
    if frequency == WEEKLY:  # the default for people who never changed their settings
        chosen |= Q(notification_preference__isnull=True)
    return chosen


def digests_due(*, now: datetime) -> dict[str, list[int]]:
    """Return {frequency: [user ids]} of people whose digest is due at now and not yet built for its period."""
    zones = list(User.objects.filter(is_active=True).values_list("time_zone", flat=True).distinct())
    due: dict[str, list[int]] = {}
    for frequency in (DAILY, WEEKLY):
        zones_by_key: dict[str, list[str]] = defaultdict(list)
        for zone in zones:
            period = period_for(frequency=frequency, time_zone=zone, now=now)
            if period is not None:
                zones_by_key[period.key].append(zone)
        ids: list[int] = []
        for key, key_zones in zones_by_key.items():
            done = EmailLedger.objects.filter(user_id=OuterRef("pk"), kind="digest", key__endswith=f":{key}")
            ids += list(
                User.objects.filter(is_active=True, time_zone__in=key_zones)
                .filter(_frequency_q(frequency))
                .exclude(Exists(done))
                .order_by("pk")
                .values_list("pk", flat=True)
            )
        if ids:
            due[frequency] = ids
    return due
