"""Scoped querysets: the only way views reach discussions.

A thread is seen by whoever may see its space's content: anyone for a public community, its
active members for a members-only one (communities.permissions decides; a hidden thread and a
missing one both answer 404); a thread of a group only by those who may see the group (a private
group's threads stay behind it). Hidden and deleted posts stay in the thread as placeholders.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class ThreadQuerySet(models.QuerySet):
    def visible_to(self, user) -> ThreadQuerySet:
        """Return the threads user may read (a group's threads only if user may see the group)."""
        from communities import permissions
        from communities.models import Community

        return self.filter(
            permissions.in_visible_group(user), community__in=Community.objects.content_visible_to(user).values("pk")
        )

    def moderated_by(self, user) -> ThreadQuerySet:
        """Return the threads user may moderate: their communities' (coordinators) and their groups' (facilitators)."""
        from communities import permissions

        return self.filter(
            Q(community__in=permissions.managed_community_ids(user)) | Q(group__in=permissions.managed_group_ids(user))
        )

    def in_space(self, community, group=None) -> ThreadQuerySet:
        return self.filter(community=community, group=group)


class PostQuerySet(models.QuerySet):
    def visible_to(self, user) -> PostQuerySet:
        """Return the posts of threads user may read."""
        from .models import Thread

        return self.filter(thread__in=Thread.objects.visible_to(user).values("pk"))

    def shown(self) -> PostQuerySet:
        """Return the posts whose text is shown (neither deleted by their author nor hidden by a moderator)."""
        return self.filter(deleted_at__isnull=True, hidden_at__isnull=True)


class AnnouncementQuerySet(models.QuerySet):
    def visible_to(self, user) -> AnnouncementQuerySet:
        """Return the announcements user may read: those of communities whose content they may see.

        An announcement to a group, a partner role or a country is still readable by the community's
        members (it is a message of the community, not a private one).
        """
        from communities.models import Community

        return self.filter(community__in=Community.objects.content_visible_to(user).values("pk"))
