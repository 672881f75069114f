"""Knowledge of a community: items, their files and history, conversation, collections and peer review."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager

from communities.models import Community, Group
from members.models import Organization

from ..querysets import (
    AnswerQuerySet,
    CollectionQuerySet,
    CommentQuerySet,
    ItemFileQuerySet,
    KnowledgeItemQuerySet,
    ReviewQuerySet,
    ReviewRoundQuerySet,
    RevisionQuerySet,
)
from ..storage import generated_name, generated_thumbnail_name, private_storage


class SearchVectorIndex(GinIndex):
    """A GIN index on PostgreSQL; a plain index elsewhere, so SQLite (make run) can migrate too."""

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor == "postgresql":
            return super().create_sql(model, schema_editor, using=using, **kwargs)
        return models.Index.create_sql(self, model, schema_editor, using="", **kwargs)

    def check_supported(self, schema_editor):
        return None


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
        ]
        indexes = [
            models.Index(fields=["community", "status", "visibility"]),
            models.Index(fields=["community", "-published_at"]),
            SearchVectorIndex(fields=["search_vector"], name="knowledge_item_search_gin"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("knowledge:item", kwargs={"community_slug": self.community.slug, "knowledge_pk": self.pk})

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


class Comment(models.Model):
    """A comment on an item (or, through the meeting page's partial, on a meeting)."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="knowledge_comments")
    item = models.ForeignKey(KnowledgeItem, on_delete=models.CASCADE, null=True, blank=True, related_name="comments")
    meeting = models.ForeignKey(
        "meetings.Meeting", on_delete=models.CASCADE, null=True, blank=True, related_name="comments"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="knowledge_comments")
    body = models.TextField(_("comment"), max_length=5000)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        constraints = [
            models.CheckConstraint(
                condition=Q(item__isnull=False, meeting__isnull=True) | Q(item__isnull=True, meeting__isnull=False),
                name="comment_on_item_or_meeting",
            )
        ]

    def __str__(self) -> str:
        return f"{self.author}: {self.body[:40]}"


class Answer(models.Model):
    """An answer to a question; its asker or a facilitator marks one as accepted."""

    item = models.ForeignKey(KnowledgeItem, on_delete=models.CASCADE, related_name="answers")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="knowledge_answers")
    body = models.TextField(_("answer"), max_length=20000)
    body_html = models.TextField(editable=False, blank=True)
    is_accepted = models.BooleanField(_("accepted"), default=False)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AnswerQuerySet.as_manager()

    class Meta:
        ordering = ["-is_accepted", "created_at", "pk"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["item"], condition=Q(is_accepted=True), name="answer_one_accepted")
        ]

    def __str__(self) -> str:
        return f"{self.author}: {self.body[:40]}"


class Follow(models.Model):
    """A person follows an item, a group or a theme; the digest reads these."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="knowledge_follows")
    item = models.ForeignKey(KnowledgeItem, on_delete=models.CASCADE, null=True, blank=True, related_name="follows")
    group = models.ForeignKey(Group, on_delete=models.CASCADE, null=True, blank=True, related_name="follows")
    theme = models.ForeignKey("taggit.Tag", on_delete=models.CASCADE, null=True, blank=True, related_name="follows")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(item__isnull=False, group__isnull=True, theme__isnull=True)
                    | Q(item__isnull=True, group__isnull=False, theme__isnull=True)
                    | Q(item__isnull=True, group__isnull=True, theme__isnull=False)
                ),
                name="follow_exactly_one_target",
            ),
            models.UniqueConstraint(fields=["user", "item"], condition=Q(item__isnull=False), name="follow_item_once"),
            models.UniqueConstraint(
                fields=["user", "group"], condition=Q(group__isnull=False), name="follow_group_once"
            ),
            models.UniqueConstraint(
                fields=["user", "theme"], condition=Q(theme__isnull=False), name="follow_theme_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} follows {self.item or self.group or self.theme}"


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


class ReviewRound(models.Model):
    """An author's request for peer review of an item, with chosen reviewers and a due date."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    item = models.ForeignKey(KnowledgeItem, on_delete=models.CASCADE, related_name="review_rounds")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="review_rounds_requested"
    )
    message = models.TextField(_("what to look at"), blank=True, max_length=5000)
    reviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewers"), related_name="review_rounds_to_review"
    )
    organizations = models.ManyToManyField(
        Organization, verbose_name=_("reviewing organisations"), blank=True, related_name="review_rounds"
    )
    due_date = models.DateField(_("due date"))
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.OPEN)
    author_response = models.TextField(_("authors' response"), blank=True, max_length=20000)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReviewRoundQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("review round")
        verbose_name_plural = _("review rounds")
        constraints = [
            models.UniqueConstraint(fields=["item"], condition=Q(state="open"), name="review_round_one_open_per_item")
        ]

    def __str__(self) -> str:
        return f"{self.item} ({self.get_state_display()})"

    def get_absolute_url(self) -> str:
        return reverse(
            "knowledge:review_round", kwargs={"community_slug": self.item.community.slug, "round_pk": self.pk}
        )

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN


class Review(models.Model):
    """One reviewer's structured answer in a round."""

    class Opinion(models.TextChoices):
        READY = "ready", _("Ready as it is")
        MINOR = "minor", _("Good, with minor changes")
        MAJOR = "major", _("Needs major changes")
        NOT_READY = "not_ready", _("Not ready yet")

    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="knowledge_reviews")
    strengths = models.TextField(_("strengths"), max_length=10000)
    weaknesses = models.TextField(_("weaknesses"), max_length=10000)
    recommendations = models.TextField(_("recommendations"), max_length=10000)
    opinion = models.CharField(_("overall opinion"), max_length=16, choices=Opinion.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["round", "created_at"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [models.UniqueConstraint(fields=["round", "reviewer"], name="review_one_per_reviewer")]

    def __str__(self) -> str:
        return f"{self.reviewer} on {self.round}"
