from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunitiesConfig(AppConfig):
    name = "communities"
    verbose_name = _("Communities")

    def ready(self):
        from members import organisations

        from . import signals  # noqa: F401 - connects the invitation redeemer to user_logged_in
        from .permissions import person_cache
        from .selectors_organisations import organizations_visible_to

        # members cannot know communities: tell it which organisations a person may see.
        organisations.register_visibility(organizations_visible_to)
        # A person's memberships and grants are remembered between their requests, until one changes.
        person_cache.connect()
        # The directory's member counts are kept until a membership changes.
        from . import directory_counts

        directory_counts.connect()
