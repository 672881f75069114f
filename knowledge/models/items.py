"""Knowledge items, their authors and their files."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager

from communities.models import Community, Group
from members.bidi import language_direction
from members.models import Organization
from members.reversing import reverse_remembered

from ..querysets import ItemFileQuerySet, KnowledgeItemQuerySet
from ..storage import generated_name, generated_thumbnail_name, private_storage


class SearchVectorIndex(GinIndex):
    """A GIN index on PostgreSQL; a plain index elsewhere, so SQLite (make run) can migrate too."""

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor == "postgresql":
            return super().create_sql(model, schema_editor, using=using, **kwargs)
        return models.Index.create_sql(self, model, schema_editor, using="", **kwargs)

    def check_supported(self, schema_editor):
        return None


# When an item became news: its publication, or its creation while a draft.
NEWEST = Coalesce("published_at", "created_at")


class Licence(models.TextChoices):
    CC_BY = "cc-by-4.0", _("Creative Commons Attribution 4.0")
    CC_BY_SA = "cc-by-sa-4.0", _("Creative Commons Attribution-ShareAlike 4.0")
    CC_BY_NC = "cc-by-nc-4.0", _("Creative Commons Attribution-NonCommercial 4.0")
    CC0 = "cc0-1.0", _("Public domain (CC0 1.0)")
    ALL_RIGHTS = "all-rights-reserved", _("All rights reserved")


class KnowledgeItem(models.Model):
    """A piece of shared knowledge: a lesson learnt, a good practice, a study, a question..."""

    class Kind(models.TextChoices):
        LESSON = "lesson", _("Lesson learnt")
        GOOD_PRACTICE = "good_practice", _("Good practice")
        CASE_STUDY = "case_study", _("Case study")
        STUDY = "study", _("Study or research")
        ARTICLE = "article", _("Article")
        TOOL = "tool", _("Tool or template")
        OPPORTUNITY = "opportunity", _("Opportunity")
        VIDEO = "video", _("Video")
        QUESTION = "question", _("Question")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public: anyone who can see the community")
        COMMUNITY = "community", _("Members of the community")
        GROUP = "group", _("Members of the group")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="knowledge_items")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.LESSON)
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, allow_unicode=True)
    summary = models.TextField(_("summary"), max_length=1000, blank=True)
    body = models.TextField(_("text"), blank=True, help_text=_("Markdown: **bold**, *italic*, lists, links."))
    # The sanitised HTML of body, rendered by the service on every write (never trusted from input).
    body_html = models.TextField(editable=False, blank=True)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="en")
    organizations = models.ManyToManyField(
        Organization, verbose_name=_("organisations"), blank=True, related_name="knowledge_items"
    )
    themes = TaggableManager(verbose_name=_("themes"), blank=True, help_text=_("A comma-separated list."))
    group = models.ForeignKey(
        Group,
        verbose_name=_("group"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="knowledge_items",
    )
    visibility = models.CharField(
        _("who can see it"), max_length=16, choices=Visibility.choices, default=Visibility.COMMUNITY
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    meeting = models.ForeignKey(
        "meetings.Meeting",
        verbose_name=_("meeting it came from"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="knowledge_items",
    )
    licence = models.CharField(_("licence"), max_length=32, choices=Licence.choices, blank=True)
    # Items in several languages: each translation points at the original (which points nowhere);
    # the original and its translations are one set, with at most one item per language.
    translation_of = models.ForeignKey(
        "self",
        verbose_name=_("translation of"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="translations",
    )
    links = models.JSONField(_("links"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="knowledge_items_created",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    # Kept up to date by services._search_vector_update (PostgreSQL only), in the item's language.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = KnowledgeItemQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-created_at"]
        verbose_name = _("knowledge item")
        verbose_name_plural = _("knowledge items")
        constraints = [
            models.UniqueConstraint(fields=["community", "slug"], name="knowledge_item_unique_slug"),
            models.CheckConstraint(
                condition=~Q(visibility="group") | Q(group__isnull=False), name="knowledge_item_group_visibility"
            ),
            models.UniqueConstraint(
                fields=["translation_of", "language"],
                condition=Q(translation_of__isnull=False),
                name="knowledge_item_one_translation_per_language",
            ),
            models.CheckConstraint(condition=~Q(translation_of=F("pk")), name="knowledge_item_not_its_own_translation"),
            # A published item has its date (services.item_publish sets it; unpublishing keeps it). The
            # visibility rules say so again (PUBLISHED_Q), so the list's index scan starts past the drafts.
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="knowledge_item_published_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["community", "status", "visibility"]),
            # The list's order with what its visibility rules read (issue 15, measured on 1M items):
            # the page's ids, its bounded count and the filters' sample are index-only scans; drafts
            # (no published_at, first in this order) are skipped in the index, not in the table.
            models.Index(
                fields=["community", "-published_at", "-created_at", "-id"],
                include=["status", "visibility", "group", "created_by"],
                name="knowledge_item_list_idx",
            ),
            SearchVectorIndex(fields=["search_vector"], name="knowledge_item_search_gin"),
            # Newest first (a draft by its creation): a search for a common word walks this order
            # and stops at its candidates instead of fetching every item the word is in.
            models.Index(NEWEST.desc(), F("id").desc(), name="knowledge_item_newest_idx"),
            # A group's latest items (/me/: new in the groups I follow): each followed group reads its
            # few recent items, not its whole history (issue 15, 280 ms -> a few ms at 1M items).
            models.Index(fields=["group", "-published_at"], name="knowledge_item_group_pub_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse_remembered(
            "knowledge:item", kwargs={"community_slug": self.community.slug, "knowledge_pk": self.pk}
        )

    @property
    def direction(self) -> str:
        """Return the direction of the item's text ("rtl" or "ltr"), from its language."""
        return language_direction(self.language)

    @property
    def translation_root_id(self) -> int | None:
        """Return the id of the original of the item's translation set (its own id when it is the original)."""
        return self.translation_of_id or self.pk

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def is_question(self) -> bool:
        return self.kind == self.Kind.QUESTION


class ItemAuthor(models.Model):
    """One author of an item, in order: a member of the portal, or a named external author."""

    item = models.ForeignKey(KnowledgeItem, on_delete=models.CASCADE, related_name="authorships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="authorships",
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    affiliation = models.CharField(_("affiliation"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["item", "order", "pk"]
        verbose_name = _("author")
        verbose_name_plural = _("authors")
        constraints = [
            models.UniqueConstraint(
                fields=["item", "user"], condition=Q(user__isnull=False), name="item_author_member_once"
            ),
            models.CheckConstraint(condition=Q(user__isnull=False) | ~Q(name=""), name="item_author_has_name"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.user.get_full_name() if self.user_id else self.name

    @property
    def display_affiliation(self) -> str:
        if self.affiliation:
            return self.affiliation
        if self.user_id and self.user.organization_id:
            return self.user.organization.name
        return ""


class ItemFile(models.Model):
    """A file attached to an item, stored under a random name and served only through the download view."""

    item = models.ForeignKey(KnowledgeItem, on_delete=models.CASCADE, related_name="files")
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    file = models.FileField(storage=private_storage, upload_to=generated_name, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=120)
    extension = models.CharField(max_length=10)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64, editable=False)
    thumbnail = models.ImageField(
        storage=private_storage, upload_to=generated_thumbnail_name, max_length=200, blank=True
    )
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ItemFileQuerySet.as_manager()

    class Meta:
        ordering = ["item", "created_at", "pk"]
        verbose_name = _("file")
        verbose_name_plural = _("files")

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse(
            "knowledge:file_download", kwargs={"community_slug": self.item.community.slug, "file_uuid": self.uuid}
        )

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")
