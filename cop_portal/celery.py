"""The Celery application, configured from Django's settings (the CELERY_ namespace)."""

import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cop_portal.settings.development")

app = Celery("cop_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.setup_logging.connect
def use_django_logging(**_kwargs):
    """Workers log as the web processes do (settings.LOGGING: JSON in production, with the request id)."""
    from logging.config import dictConfig

    from django.conf import settings

    dictConfig(settings.LOGGING)
