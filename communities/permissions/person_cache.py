"""The person's memberships and grants (person.Person), remembered between their read-only requests.

Reading them is the one query every signed-in page runs before anything else, and for the heaviest
member (106 memberships in 45 communities) it cost about 10 ms of every request: the query, and
above all making some 270 model objects of its rows. A remembered Person costs one Redis read and
about 1 ms to unpickle (issue 15).

It is kept under two generations, and an entry stored under an older one is never used:

- the person's own: started again when one of their memberships, direct grants (guardian's per-user
  permissions), Django groups or e-mail addresses is saved or deleted, or an invitation to them;
- everyone's: started again when a community, a group, a grant given through a Django group, or an
  invitation is saved or deleted, and by the writers that change such rows without a signal
  (`everyone_changed`).

Each generation starts again at once and once more when the transaction commits (as the unread
count's: discussions.unread_cache), and a request reads the generations BEFORE it reads the
database, so a Person read while a change was being committed is stored under a generation that is
already over. Only read-only requests use it (CommunityMiddleware); a request that writes reads
the database, as the permission checks of every write do.

Only for PERSON_CACHE_SECONDS (0, off, in development and tests; 120 in production) and with the
shared cache answering (cop_portal.cache.FailSafeRedisCache, Redis up): a per-process memory cache
would not see another process's new generation. While Redis is down nothing is remembered; a
change made during an outage reaches entries stored before it only when they expire. Rows changed
by raw SQL or bulk writes without signals (seed_scale) likewise.
"""

from __future__ import annotations

import pickle
import zlib

from django.conf import settings
from django.core.cache import cache

from members import generations

_EVERYONE = "person:v3:everyone"


def _person_key(user_id) -> str:
    return f"person:v3:generation:{user_id}"


def _entry_key(user_id) -> str:
    return f"person:v3:{user_id}"


def _shared() -> bool:
    """Return whether people are remembered (PERSON_CACHE_SECONDS) on the shared Redis cache, answering."""
    return settings.PERSON_CACHE_SECONDS > 0 and getattr(cache, "is_down", True) is False


def lookup(user):
    """Return (Person, None) when a valid one is remembered, else (None, token) to store() a new one with.

    The token is None when nothing may be remembered (no shared cache).
    """
    if not _shared():
        return None, None
    keys = [_entry_key(user.pk), _EVERYONE, _person_key(user.pk)]
    found = cache.get_many(keys)
    if not _shared():  # Redis failed during the read: what came back is this process's memory
        return None, None
    entry, everyone, own = (found.get(key) for key in keys)
    if entry is not None and everyone is not None and own is not None and entry[1:] == (everyone, own):
        return pickle.loads(zlib.decompress(entry[0])), None  # noqa: S301 - our own value, from our own cache
    token = (everyone or generations.current(_EVERYONE), own or generations.current(keys[2]))
    return None, (token if None not in token and _shared() else None)


def store(user, person, token) -> None:
    """Remember person (without what the page's community added: Person.extras) under token."""
    if token is None or not _shared():
        return
    from dataclasses import replace

    blob = zlib.compress(pickle.dumps(replace(person, extras={}), pickle.HIGHEST_PROTOCOL), 1)
    cache.set(_entry_key(user.pk), (blob, *token), settings.PERSON_CACHE_SECONDS)


def _bump(key: str) -> None:
    """Start a new generation now (this transaction's later reads) and again once it commits (everyone's)."""
    if settings.PERSON_CACHE_SECONDS <= 0:
        return  # nobody is remembered: every membership saved would otherwise write to the cache for nothing
    generations.renew_now_and_on_commit(key)


def person_changed(user_id) -> None:
    """Something of user_id's own changed: their Person is read again."""
    if user_id is not None:
        _bump(_person_key(user_id))


def everyone_changed() -> None:
    """A community, group, group grant or invitation changed: every Person is read again."""
    _bump(_EVERYONE)


# --- Signal receivers (connected by connect()) ------------------------------------------------------


def _own_row_changed(sender, instance, **kwargs) -> None:
    person_changed(getattr(instance, "user_id", None))


def _shared_row_changed(sender, instance, **kwargs) -> None:
    everyone_changed()


def _groups_of_person_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    """A person's Django groups changed (either side of the relation)."""
    if not action.startswith("post_"):
        return
    if reverse:  # instance is a Django group: its members, or every person when they are not named
        if pk_set:
            for user_id in pk_set:
                person_changed(user_id)
        else:
            everyone_changed()
    else:
        person_changed(instance.pk)


def connect() -> None:
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model
    from django.db.models.signals import m2m_changed, post_delete, post_save
    from guardian.models import GroupObjectPermission, UserObjectPermission

    from ..models import Community, Group, Invitation, Membership

    receivers = [
        (Membership, _own_row_changed),
        (UserObjectPermission, _own_row_changed),
        (EmailAddress, _own_row_changed),
        (Community, _shared_row_changed),
        (Group, _shared_row_changed),
        (GroupObjectPermission, _shared_row_changed),
        (Invitation, _shared_row_changed),
    ]
    for model, receiver in receivers:
        for name, signal in (("saved", post_save), ("deleted", post_delete)):
            signal.connect(receiver, sender=model, dispatch_uid=f"communities.person_cache.{model.__name__}.{name}")
    m2m_changed.connect(
        _groups_of_person_changed,
        sender=get_user_model().groups.through,
        dispatch_uid="communities.person_cache.user_groups",
    )
