"""Collections: items gathered in order with an introduction (a Quaderno edition)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from communities.models import Community

from ..querysets import CollectionQuerySet
from .items import KnowledgeItem


class Collection(models.Model):
    """Items gathered in order with an introduction: a Quaderno edition, a shared document of tools."""

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public: anyone who can see the community")
        COMMUNITY = "community", _("Members of the community")

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="knowledge_collections")
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, allow_unicode=True)
    introduction = models.TextField(_("introduction"), blank=True, help_text=_("Markdown."))
    introduction_html = models.TextField(editable=False, blank=True)
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("editor"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="knowledge_collections_edited",
    )
    visibility = models.CharField(
        _("who can see it"), max_length=16, choices=Visibility.choices, default=Visibility.COMMUNITY
    )
    items = models.ManyToManyField(KnowledgeItem, through="CollectionEntry", related_name="collections")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CollectionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("collection")
        verbose_name_plural = _("collections")
        constraints = [models.UniqueConstraint(fields=["community", "slug"], name="collection_unique_slug")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("knowledge:collection", kwargs={"community_slug": self.community.slug, "collection_pk": self.pk})


class CollectionEntry(models.Model):
    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="entries")
    item = models.ForeignKey(KnowledgeItem, on_delete=models.CASCADE, related_name="collection_entries")
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["collection", "order", "pk"]
        verbose_name = _("collection entry")
        verbose_name_plural = _("collection entries")
        constraints = [models.UniqueConstraint(fields=["collection", "item"], name="collection_entry_once")]

    def __str__(self) -> str:
        return f"{self.collection}: {self.item}"
