from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiscussionsConfig(AppConfig):
    name = "discussions"
    verbose_name = _("Discussions")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The community home, a group's page and the console show discussions through the hooks
        # communities provides (communities never imports discussions).
        from communities import hooks

        from . import home

        hooks.register_home_context(home.community_home_discussions)
        hooks.register_group_context(home.group_discussions)
        hooks.register_console_section(home.console_flags)
        # The header's unread badge, read with the person's memberships (no query of its own), and
        # remembered between the person's requests until a thread, post, group, membership or read changes.
        from . import unread_cache
        from .selectors import unread_count_expression

        hooks.register_membership_annotation(
            "unread_threads", unread_count_expression, cache=unread_cache.UnreadCountCache()
        )
        unread_cache.connect()
