from django.apps import AppConfig


class CopPortalConfig(AppConfig):
    name = "cop_portal"
    verbose_name = "CoP Portal"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from communities.models import Membership

        from . import checks  # noqa: F401  (registers the system checks)
        from .navigation import membership_changed

        # The header's "my communities" menu is cached per person; a changed membership drops it.
        post_save.connect(membership_changed, sender=Membership, dispatch_uid="cop_portal.nav.membership_saved")
        post_delete.connect(membership_changed, sender=Membership, dispatch_uid="cop_portal.nav.membership_deleted")

        # A group's page offers to follow or mute the group as a whole (communities never imports cop_portal).
        from communities import hooks

        from .notifications.groups import group_page_follow

        hooks.register_group_context(group_page_follow)

        # Request ids travel into tasks; workers count their tasks for /metrics.
        from .operations import metrics, request_id

        request_id.connect_celery_signals()

        # The person read with a session belongs to one request (cop_portal.privacy.sessions).
        from django.core.signals import request_started

        from .privacy.sessions import forget_person

        request_started.connect(forget_person, dispatch_uid="cop_portal.sessions.forget_person")
        metrics.connect_celery_signals()

        # Visitors' copies of public pages go stale when a row they could show changes.
        from django.db.models.signals import m2m_changed

        from .anonymous_cache import row_changed

        for name, signal in (("saved", post_save), ("deleted", post_delete), ("m2m", m2m_changed)):
            signal.connect(row_changed, dispatch_uid=f"cop_portal.anonymous_cache.{name}")
