"""The session engine (settings.SESSION_ENGINE): Django's database sessions, each row knowing its person.

Documented by Django as "extending database-backed session engines": the model adds a `user_id`
column (members.models.PersonSession) filled from the session's data on every save, so that
end_sessions_of() deletes one person's sessions with one indexed DELETE.
"""

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DatabaseStore


class SessionStore(DatabaseStore):
    @classmethod
    def get_model_class(cls):
        from members.models import PersonSession

        return PersonSession

    def create_model_instance(self, data):
        instance = super().create_model_instance(data)
        try:
            instance.user_id = int(data.get(SESSION_KEY))
        except (TypeError, ValueError):
            instance.user_id = None
        return instance


def end_sessions_of(user) -> int:
    """Delete every session user is signed in with, on every device; return how many there were."""
    from members.models import PersonSession

    deleted, _details = PersonSession.objects.filter(user_id=user.pk).delete()
    return deleted
