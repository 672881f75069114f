"""The record of changes made to a community's shape: every console write calls record_event.

Call it inside the same transaction as the change, so a change and its record land together.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..models import Community, CommunityEvent, Group
from ..reporting import reports_changed


def _as_text(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dict):
        return {str(key): _as_text(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_as_text(item) for item in value]
    if hasattr(value, "all") and callable(value.all):  # a related manager
        return sorted(str(item) for item in value.all())
    return str(value)


def snapshot(obj, fields: Iterable[str]) -> dict[str, Any]:
    """Return the values of obj's fields as JSON-ready text, to compare before and after a change."""
    return {name: _as_text(getattr(obj, name)) for name in fields}


def changes_between(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Return {field: [before, after]} for the fields whose value changed."""
    return {name: [before.get(name), value] for name, value in after.items() if before.get(name) != value}


def record_event(
    *,
    community: Community,
    by,
    action: str,
    target: str = "",
    group: Group | None = None,
    changes: dict[str, Any] | None = None,
) -> CommunityEvent:
    """Record that `by` did `action` on `target` in community (with {field: [before, after]} changes).

    A change of the community's shape (groups, partners, reporting labels, themes) is also a change
    of what its report counts: the report is marked to be counted again (communities.reporting).
    """
    reports_changed(community.pk)
    return CommunityEvent.objects.create(
        community=community,
        group=group,
        actor=by if getattr(by, "is_authenticated", False) else None,
        action=action,
        target=str(target)[:300],
        changes=_as_text(changes or {}),
    )
