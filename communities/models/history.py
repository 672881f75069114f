"""A community's vocabulary of themes and the history of changes made from the console."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .community import Community, Group


class Theme(models.Model):
    """One theme of a community's vocabulary, offered as a suggestion wherever themes are typed.

    Objects carry themes as taggit tags with the same name; renaming or merging a theme
    retags every item, meeting and group of the community that carries it. A retired
    theme is no longer suggested; the objects keep it.
    """

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="vocabulary")
    name = models.CharField(_("name"), max_length=100)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["community", "name"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="theme_unique_name_per_community")]

    def __str__(self) -> str:
        return self.name


class CommunityEvent(models.Model):
    """One change made to a community's shape from the console: who, when, what.

    `changes` maps each changed field to [before, after] (as text); `target` names the
    object changed (a group, a theme, a partner...) as it was called at the time.
    """

    class Action(models.TextChoices):
        COMMUNITY_UPDATED = "community_updated", _("Community page changed")
        GROUP_CREATED = "group_created", _("Group created")
        GROUP_UPDATED = "group_updated", _("Group changed")
        GROUP_ARCHIVED = "group_archived", _("Group archived")
        GROUP_RESTORED = "group_restored", _("Group restored")
        GROUPS_REORDERED = "groups_reordered", _("Groups reordered")
        FACILITATOR_NAMED = "facilitator_named", _("Facilitator named")
        FACILITATOR_REMOVED = "facilitator_removed", _("Facilitator role ended")
        THEME_ADDED = "theme_added", _("Theme added")
        THEME_RENAMED = "theme_renamed", _("Theme renamed")
        THEME_MERGED = "theme_merged", _("Themes merged")
        THEME_RETIRED = "theme_retired", _("Theme retired")
        THEME_RESTORED = "theme_restored", _("Theme restored")
        PARTNER_ADDED = "partner_added", _("Partner added")
        PARTNER_CHANGED = "partner_changed", _("Partner changed")
        PARTNERSHIP_ENDED = "partnership_ended", _("Partnership ended")
        PARTNER_ROLE_ADDED = "partner_role_added", _("Partner role added")
        PARTNER_ROLE_CHANGED = "partner_role_changed", _("Partner role changed")
        PARTNER_ROLE_DELETED = "partner_role_deleted", _("Partner role deleted")
        DIMENSION_ADDED = "dimension_added", _("Reporting dimension added")
        DIMENSION_CHANGED = "dimension_changed", _("Reporting dimension changed")
        DIMENSION_DELETED = "dimension_deleted", _("Reporting dimension deleted")
        DIMENSION_VALUE_ADDED = "dimension_value_added", _("Reporting label added")
        DIMENSION_VALUE_CHANGED = "dimension_value_changed", _("Reporting label changed")
        DIMENSION_VALUE_DELETED = "dimension_value_deleted", _("Reporting label deleted")
        CO_ORGANISER_ADDED = "co_organiser_added", _("Co-organiser named")
        CO_ORGANISER_REMOVED = "co_organiser_removed", _("Co-organiser removed")
        INVITATIONS_SENT = "invitations_sent", _("People invited")
        ORGANISATION_VERIFIED = "organisation_verified", _("Organisation verified")
        ORGANISATION_MERGED = "organisation_merged", _("Organisation merged")
        WEBHOOK_ADDED = "webhook_added", _("Webhook endpoint added")
        WEBHOOK_CHANGED = "webhook_changed", _("Webhook endpoint changed")
        WEBHOOK_DISABLED = "webhook_disabled", _("Webhook endpoint disabled")
        WEBHOOK_ENABLED = "webhook_enabled", _("Webhook endpoint enabled")
        WEBHOOK_DELETED = "webhook_deleted", _("Webhook endpoint deleted")
        WEBHOOK_SECRET_ROTATED = "webhook_secret_rotated", _("Webhook signing secret replaced")

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="events")
    group = models.ForeignKey(Group, on_delete=models.SET_NULL, null=True, blank=True, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(_("action"), max_length=40, choices=Action.choices)
    target = models.CharField(_("what"), max_length=300, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("community event")
        verbose_name_plural = _("community events")
        indexes = [models.Index(fields=["community", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.target}"
