"""The session engine (settings.SESSION_ENGINE): members' database sessions, read with their person.

Every signed-in request read its session row, then its person (django.contrib.auth's get_user): two
queries before the page's own. This engine reads the person with the session in one query (the
session's `user_id` references the person, members.models.PersonSession) together with their
privacy notice state (cop_portal.privacy.notice), and the sign-in backends (cop_portal.privacy.backends)
take that person instead of asking again when the session's person is the one asked for.

The person read is kept for the current request only: each request starts with none
(`forget_person`, connected to request_started), and each session read replaces it.
"""

from __future__ import annotations

import logging
from contextvars import ContextVar

from django.core.exceptions import SuspiciousOperation
from django.utils import timezone

from members.sessions import SessionStore as PersonSessionStore

from .notice import notice_state

# The person of the session read in this request, or None.
_read: ContextVar[object | None] = ContextVar("cop_session_person", default=None)


class SessionStore(PersonSessionStore):
    def _get_session_from_db(self):
        _read.set(None)
        sessions = self.model.objects.select_related("user").annotate(**notice_state("user_id"))
        try:
            session = sessions.get(session_key=self.session_key, expire_date__gt=timezone.now())
        except (self.model.DoesNotExist, SuspiciousOperation) as error:
            # As Django's database sessions do: a missing or tampered key starts a new session.
            if isinstance(error, SuspiciousOperation):
                logging.getLogger(f"django.security.{error.__class__.__name__}").warning(str(error))
            self._session_key = None
            return None
        person = session.user
        if person is not None:
            person.privacy_latest_notice = session.privacy_latest_notice
            person.privacy_notice_accepted = session.privacy_notice_accepted
            _read.set(person)
        return session


def person_read_with_session(user_id) -> object | None:
    """Return the person read with this request's session when their id is user_id, else None."""
    person = _read.get()
    if person is None or user_id is None:
        return None
    return person if str(person.pk) == str(user_id) else None


def forget_person(**_kwargs) -> None:
    """Drop the person read with the last session (a new request starts: request_started)."""
    _read.set(None)
