"""An item's history: one revision per change, which an item can be restored to."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..querysets import RevisionQuerySet
from .items import KnowledgeItem


class Revision(models.Model):
    """A snapshot of an item after one change: who, when, what changed; an item can be restored to it."""

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        EDITED = "edited", _("Edited")
        PUBLISHED = "published", _("Published")
        RESTORED = "restored", _("Restored")

    item = models.ForeignKey(KnowledgeItem, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="knowledge_revisions"
    )
    action = models.CharField(max_length=16, choices=Action.choices, default=Action.EDITED)
    snapshot = models.JSONField(default=dict)
    changed_fields = models.JSONField(default=list)
    lines_added = models.PositiveIntegerField(default=0)
    lines_removed = models.PositiveIntegerField(default=0)
    restored_from = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RevisionQuerySet.as_manager()

    class Meta:
        ordering = ["item", "-number"]
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        constraints = [models.UniqueConstraint(fields=["item", "number"], name="revision_unique_number")]

    def __str__(self) -> str:
        return f"{self.item} #{self.number}"

    def get_absolute_url(self) -> str:
        return reverse(
            "knowledge:revision", kwargs={"community_slug": self.item.community.slug, "revision_pk": self.pk}
        )

    def changed_labels(self) -> list[str]:
        """Return the translated names of the fields this revision changed."""
        labels = {**SNAPSHOT_LABELS}
        return [str(labels.get(name, name)) for name in self.changed_fields]


SNAPSHOT_LABELS = {
    "kind": _("kind"),
    "title": _("title"),
    "summary": _("summary"),
    "body": _("text"),
    "language": _("language"),
    "visibility": _("who can see it"),
    "group": _("group"),
    "status": _("status"),
    "licence": _("licence"),
    "links": _("links"),
    "meeting": _("meeting"),
    "themes": _("themes"),
    "organizations": _("organisations"),
    "authors": _("authors"),
}
