from django.apps import AppConfig


class CopPortalConfig(AppConfig):
    name = "cop_portal"
    verbose_name = "CoP Portal"
