from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "knowledge"
    verbose_name = _("Knowledge")

    def ready(self):
        # The community home shows the latest knowledge through the hook communities provides
        # (communities never imports knowledge).
        from communities import hooks

        from . import selectors

        hooks.register_home_context(selectors.community_home_knowledge)
        hooks.register_group_context(selectors.group_page_knowledge)
        # The meeting page shows the meeting's materials and comments (meetings never loads knowledge_tags).
        from .templatetags.knowledge_tags import meeting_page_section

        hooks.register_page_section("meetings:meeting_detail", meeting_page_section)

        from . import services

        hooks.register_membership_ended(services.knowledge_membership_ended)

        from .themes import follows_theme_moved, themed_items

        hooks.register_themed_objects(themed_items)
        hooks.register_theme_moved(follows_theme_moved)

        from . import list_cache, signals  # noqa: F401 - stored files go with their rows, however they are deleted

        list_cache.connect()
