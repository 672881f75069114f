from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("People and organisations")

    def ready(self):
        # Connects the task_postrun handler that marks outbox rows done, in web and worker processes.
        from . import outbox  # noqa: F401

        # `field__in=IdList(ids)` is one array parameter on PostgreSQL (issue 15).
        from .id_lists import register

        register()

        # `get_FOO_display()` translates only the label it returns, not every choice's (issue 15).
        from .choice_labels import install

        install()
