"""Settings of the Celery workers benchmarks/reminders.py --worker starts: the production profile, no SMTP."""

from benchmarks.settings import *  # noqa: F403

# The work up to the SMTP hand-off is measured (ledger, checks, rendering); no message leaves the machine.
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = False
