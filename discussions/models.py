"""Conversations of a community: threads and posts in the community or one of its groups, announcements.

A thread belongs to a *space*: the community (group is null) or one of its groups. Who may read
and post follows the space (discussions.querysets, decided by communities.permissions). Posts
keep their Markdown source and the sanitised HTML made from it; an edit keeps the previous text
as a PostRevision, a deletion by the author keeps the row (the thread's order and counts stay)
and blanks the text, and a moderator hides a post without destroying it.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from parler.fields import TranslationsForeignKey
from parler.models import TranslatableModelMixin

from communities.models import Community, ContentTranslation, Group
from knowledge.models import SearchVectorIndex
from members.bidi import language_direction
from members.reversing import reverse_remembered

from .querysets import AnnouncementQuerySet, PostQuerySet, ThreadQuerySet

# The text search configuration of each language (a blank or other language: "simple", unstemmed),
# as knowledge's SEARCH_CONFIGS; search builds its queries in the same configurations.
SEARCH_CONFIGS = {"it": "italian", "en": "english", "ar": "simple"}


class SearchDocument(models.Expression):
    """The search document of a thread's title or a post's body, stemmed in the row's language.

    PostgreSQL computes it in a stored generated column, so every write keeps it current (the
    services, moderation, the admin and the scale seed's COPY alike); SQLite (make run) stores
    NULL and search falls back to icontains there.
    """

    output_field = SearchVectorField()

    def __init__(self, column: str):
        super().__init__()
        self.column = column

    def as_sql(self, compiler, connection):
        return "NULL", []

    def as_postgresql(self, compiler, connection):
        # Literal regconfig constants keep the expression immutable, as a generated column needs.
        cases = " ".join(f"WHEN '{code}' THEN '{config}'::regconfig" for code, config in SEARCH_CONFIGS.items())
        column = connection.ops.quote_name(self.column)
        return f"to_tsvector(CASE language {cases} ELSE 'simple'::regconfig END, COALESCE({column}, ''))", []


class Thread(models.Model):
    """A conversation in a community or one of its groups, opened by its first post."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="threads")
    group = models.ForeignKey(Group, on_delete=models.CASCADE, null=True, blank=True, related_name="threads")
    title = models.CharField(_("title"), max_length=200)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="threads_started"
    )
    pinned = models.BooleanField(_("pinned"), default=False)
    closed = models.BooleanField(_("closed"), default=False)
    # Kept by the services so lists sort and count without aggregating posts.
    reply_count = models.PositiveIntegerField(_("replies"), default=0)
    last_post_at = models.DateTimeField(_("last post"), db_index=True)
    last_post = models.ForeignKey("Post", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    search_vector = models.GeneratedField(
        expression=SearchDocument("title"), output_field=SearchVectorField(null=True), db_persist=True
    )

    objects = ThreadQuerySet.as_manager()

    class Meta:
        ordering = ["-pinned", "-last_post_at", "-pk"]
        verbose_name = _("thread")
        verbose_name_plural = _("threads")
        indexes = [
            models.Index(fields=["community", "-pinned", "-last_post_at"], name="thread_list_idx"),
            models.Index(fields=["group", "-pinned", "-last_post_at"], name="thread_group_list_idx"),
            SearchVectorIndex(fields=["search_vector"], name="thread_search_gin"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse_remembered(
            "discussions:thread_detail", kwargs={"community_slug": self.community.slug, "thread_pk": self.pk}
        )

    @property
    def direction(self) -> str:
        """Return the direction of the title ("rtl", "ltr", or "auto" when its language is not known)."""
        return language_direction(self.language)


class Post(models.Model):
    """One message of a thread: the opening post or a reply."""

    class Source(models.TextChoices):
        WEB = "web", _("Web")
        EMAIL = "email", _("Email")

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="discussion_posts")
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="discussion_posts"
    )
    body = models.TextField(_("message"), help_text=_("Markdown: **bold**, *italic*, > quote, [link](https://…)."))
    body_html = models.TextField(editable=False, blank=True)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, blank=True)
    is_opening = models.BooleanField(default=False)
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.WEB)
    # The Message-ID of the email this post came from: a redelivered message posts once.
    message_id = models.CharField(max_length=255, null=True, blank=True, unique=True)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True)
    hidden_at = models.DateTimeField(_("hidden"), null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    mentions = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="discussion_mentions")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # A hidden or deleted post keeps its vector (deletion blanks the text); search keeps to shown posts.
    search_vector = models.GeneratedField(
        expression=SearchDocument("body"), output_field=SearchVectorField(null=True), db_persist=True
    )

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        indexes = [
            models.Index(fields=["thread", "created_at", "id"], name="post_thread_order_idx"),
            SearchVectorIndex(fields=["search_vector"], name="post_search_gin"),
        ]

    def __str__(self) -> str:
        return f"{self.thread} #{self.pk}"

    @property
    def direction(self) -> str:
        """Return the direction of the text ("rtl", "ltr", or "auto" when its language is not known)."""
        return language_direction(self.language)

    @property
    def is_visible_text(self) -> bool:
        return self.deleted_at is None and self.hidden_at is None


class PostRevision(models.Model):
    """The text of a post before an edit: the post's history."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    edited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("post revision")
        verbose_name_plural = _("post revisions")

    def __str__(self) -> str:
        return f"{self.post} @ {self.created_at:%Y-%m-%d %H:%M}"


class Flag(models.Model):
    """A member's report of a post to the space's moderators; resolved by one of them."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="flags")
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="discussion_flags")
    flagged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("flag")
        verbose_name_plural = _("flags")
        constraints = [models.UniqueConstraint(fields=["post", "flagged_by"], name="flag_post_once_per_person")]

    def __str__(self) -> str:
        return f"{self.post} ({self.flagged_by})"


class ReadState(models.Model):
    """How far a person has read a thread: the last post they saw."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="read_states")
    last_read_at = models.DateTimeField()
    last_read_post = models.ForeignKey(Post, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "thread"], name="read_state_once")]

    def __str__(self) -> str:
        return f"{self.user} read {self.thread}"


class Subscription(models.Model):
    """A person following or muting a thread, a group's discussions or a community's."""

    class Level(models.TextChoices):
        FOLLOW = "follow", _("Following")
        MUTE = "mute", _("Muted")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="discussion_subscriptions"
    )
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="+")
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, null=True, blank=True, related_name="subscriptions")
    group = models.ForeignKey(Group, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    level = models.CharField(max_length=8, choices=Level.choices, default=Level.FOLLOW)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [
            models.CheckConstraint(
                condition=~(Q(thread__isnull=False) & Q(group__isnull=False)), name="sub_one_target"
            ),
            models.UniqueConstraint(
                fields=["user", "thread"], condition=Q(thread__isnull=False), name="sub_thread_once"
            ),
            models.UniqueConstraint(
                fields=["user", "group"], condition=Q(group__isnull=False, thread__isnull=True), name="sub_group_once"
            ),
            models.UniqueConstraint(
                fields=["user", "community"],
                condition=Q(group__isnull=True, thread__isnull=True),
                name="sub_community_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.level} {self.thread or self.group or self.community}"


class DeliveryMode(models.TextChoices):
    EVERY_POST = "every_post", _("Every post by email")
    DIGEST = "digest", _("In the digest only")
    OFF = "off", _("Off")


class DiscussionPreference(models.Model):
    """How a person receives a community's discussions (the digest when there is no row)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="discussion_preferences")
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="+")
    mode = models.CharField(_("discussions by email"), max_length=16, choices=DeliveryMode.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "community"], name="discussion_preference_once")]

    def __str__(self) -> str:
        return f"{self.user} {self.community}: {self.mode}"


class Announcement(TranslatableModelMixin, models.Model):
    """A message from coordinators (or a group's facilitators) sent by email once and kept readable."""

    class Audience(models.TextChoices):
        COMMUNITY = "community", _("The whole community")
        GROUP = "group", _("A group")
        PARTNER_ROLE = "partner_role", _("Members from partners of a role")
        COUNTRY = "country", _("Members from a country")

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="announcements")
    group = models.ForeignKey(Group, on_delete=models.CASCADE, null=True, blank=True, related_name="announcements")
    audience = models.CharField(_("to"), max_length=16, choices=Audience.choices, default=Audience.COMMUNITY)
    partner_role = models.ForeignKey(
        "communities.PartnerRole", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    country = models.CharField(_("country"), max_length=2, blank=True)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"))
    body_html = models.TextField(editable=False, blank=True)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    recipient_count = models.PositiveIntegerField(default=0)
    # The form's one-time token: a double-submitted or retried form finds the announcement it made.
    nonce = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = AnnouncementQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        permissions = [("translate_announcement", _("Can translate this announcement"))]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(
            "announcements:detail",
            kwargs={"community_slug": self.community.slug, "announcement_pk": self.pk},
        )

    @property
    def content_language(self) -> str:
        """Return the language the title and message are written in."""
        return self.language or self.community.default_language


class AnnouncementTranslation(ContentTranslation):
    """An announcement's title and message in one more language (see communities.models.translations)."""

    master = TranslationsForeignKey(Announcement, on_delete=models.CASCADE, related_name="translations")
    title_translation = models.CharField(_("title"), max_length=200)
    body_translation = models.TextField(_("message"))

    TEXT_FIELDS = {"title_translation": "title", "body_translation": "body"}

    class Meta:
        verbose_name = _("announcement translation")
        verbose_name_plural = _("announcement translations")
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["master", "language_code"], name="announcement_tr_one_per_language")
        ]


class InboundMessage(models.Model):
    """Every email received for the discussions, by Message-ID: what it became, or why it was refused."""

    class Outcome(models.TextChoices):
        POSTED = "posted", _("Posted")
        REFUSED = "refused", _("Refused")

    message_id = models.CharField(max_length=255, unique=True)
    sender = models.EmailField(max_length=254)
    recipient = models.CharField(max_length=320)
    outcome = models.CharField(max_length=8, choices=Outcome.choices)
    reason = models.CharField(max_length=200, blank=True)
    post = models.ForeignKey(Post, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.message_id} {self.outcome}"
