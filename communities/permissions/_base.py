"""The permissions module's base: the role names, the one superuser rule, and answers remembered for one request."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db.models import QuerySet

COMMUNITY_PERM = "communities.manage_community"
GROUP_PERM = "communities.manage_group"


# --- Who the person is -----------------------------------------------------------------------------


def is_portal_admin(user) -> bool:
    """Return whether user is a portal administrator: the one superuser rule of the portal."""
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_superuser)


def portal_admins() -> QuerySet:
    """Return the portal administrators (the people is_portal_admin answers yes for)."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(is_superuser=True, is_active=True)


def _signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


# --- Answers remembered for one request ----------------------------------------------------------

# A page asks the same question several times (the view, then each app's hook, then the
# navigation): "is this person a member here?", "may they manage this group?". While a read-only
# request is served (CommunityMiddleware opens `request_answers()` for GET and HEAD), each yes/no
# answer is computed once and reused; outside a request, and on any request that writes, every
# call asks the database, so a change is seen at once.
_answers: ContextVar[dict | None] = ContextVar("permission_answers", default=None)


@contextmanager
def request_answers() -> Iterator[None]:
    """Remember the yes/no answers of this module until the block ends (one read-only request)."""
    token = _answers.set({})
    try:
        yield
    finally:
        _answers.reset(token)


def _key_part(value):
    if value is None or isinstance(value, str | int | bool):
        return value
    if isinstance(value, type) and getattr(value, "_meta", None) is not None:
        return value._meta.label  # a model (granted_ids is asked about a model's objects)
    if getattr(value, "_meta", None) is not None:
        return (value._meta.label, value.pk)
    raise TypeError(value)  # pragma: no cover - only models, ids and strings are asked about


def _key(name: str, user, args, kwargs, answers: dict) -> tuple:
    signed_in = _signed_in(user)
    return (
        name,
        user.pk if signed_in else None,
        signed_in and user.is_superuser,
        # An answer given before the person's memberships were read (while they were being read, by
        # a hook's annotation on them) is a subquery over memberships; once they are read it is a
        # list of ids, which later questions of the request must get (person.loaded_person).
        signed_in and ("person", user.pk) in answers,
        *(_key_part(arg) for arg in args),
        *((key, _key_part(value)) for key, value in sorted(kwargs.items())),
    )


def _remembered(function):
    """Answer function once per (person, objects) within `request_answers()`; otherwise always ask."""

    @functools.wraps(function)
    def wrapper(user, *args, **kwargs):
        answers = _answers.get()
        if answers is None:
            return function(user, *args, **kwargs)
        key = _key(function.__name__, user, args, kwargs, answers)
        if key not in answers:
            answers[key] = function(user, *args, **kwargs)
        return answers[key]

    return wrapper


def note_memberships(user, community, memberships) -> None:
    """Keep, for this request, user's memberships in community and its groups (all of them, just read).

    A page that has read them (communities.selectors.memberships_of) then asks `is_active_member`
    and `can_post_in` about this community and its groups without a query.
    """
    answers = _answers.get()
    if answers is not None and _signed_in(user):
        answers[("memberships", user.pk, community.pk)] = {m.group_id: m for m in memberships}


def _known_membership(user, community_id: int, group_id: int | None):
    """Return (True, membership or None) when this request already read user's memberships in the community."""
    answers = _answers.get()
    known = answers.get(("memberships", user.pk, community_id)) if answers is not None else None
    if known is None:
        return False, None
    return True, known.get(group_id)
