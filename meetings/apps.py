from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Meetings")

    def ready(self):
        # The directory cards and the community home show meetings through the hooks that
        # communities provides (communities never imports meetings).
        from communities import hooks

        from . import selectors

        hooks.register_directory_annotator(selectors.annotate_next_meeting)
        hooks.register_home_context(selectors.community_home_meetings)
        hooks.register_group_context(selectors.group_page_meetings)

        from . import services

        hooks.register_membership_ended(services.meetings_membership_ended)

        from .themes import themed_meetings

        hooks.register_themed_objects(themed_meetings)

        from .actions import console_actions

        hooks.register_console_section(console_actions)
