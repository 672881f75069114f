"""Sign-in backends that read, with the person, whether they have a privacy notice to accept.

Django reads the signed-in person once per request (get_user). When the session engine
(cop_portal.privacy.sessions) has read that person with the session, they take it as read; otherwise
they add two columns to their query: the latest notice's id and whether the person accepted it. So
the pages that show the "the notice changed" form (/me/) ask nothing more of the database
(cop_portal.privacy.notice).
"""

from __future__ import annotations

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend

from .notice import with_notice_state
from .sessions import person_read_with_session


class _NoticeStateMixin:
    def get_user(self, user_id):
        # The session engine (cop_portal.privacy.sessions) read the person with the session: no query.
        user = person_read_with_session(user_id)
        if user is None:
            people = with_notice_state(get_user_model()._default_manager.all())
            user = people.filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None


class ModelBackend(_NoticeStateMixin, DjangoModelBackend):
    """Django's ModelBackend, reading the person's privacy notice state with them."""


class AuthenticationBackend(_NoticeStateMixin, AllauthBackend):
    """allauth's backend (sign-in by email), reading the person's privacy notice state with them."""
