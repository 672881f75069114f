"""Sign-in backends that read, with the person, whether they have a privacy notice to accept.

Django reads the signed-in person once per request (get_user). These backends add two columns to
that query: the latest notice's id and whether the person accepted it, so the pages that show the
"the notice changed" form (/me/) ask nothing more of the database (cop_portal.privacy.notice).
"""

from __future__ import annotations

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend

from .notice import with_notice_state


class _NoticeStateMixin:
    def get_user(self, user_id):
        people = with_notice_state(get_user_model()._default_manager.all())
        user = people.filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None


class ModelBackend(_NoticeStateMixin, DjangoModelBackend):
    """Django's ModelBackend, reading the person's privacy notice state with them."""


class AuthenticationBackend(_NoticeStateMixin, AllauthBackend):
    """allauth's backend (sign-in by email), reading the person's privacy notice state with them."""
