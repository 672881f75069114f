"""Settings of the Celery worker processes the notification tests start: the test settings, a file
mailbox as the SMTP server outside, and a short broker visibility timeout so a message held by a
killed worker comes back within seconds (production keeps Kombu's hour)."""

from cop_portal.settings.test import *  # noqa: F403
from cop_portal.settings.test import env

EMAIL_BACKEND = "tests.notifications.mailbox.FileMailbox"
CELERY_TASK_ALWAYS_EAGER = False
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("TEST_VISIBILITY_TIMEOUT", default=3600),
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
