"""Conversation around items and meetings: comments, answers to questions, and following."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from communities.models import Community, Group

from ..querysets import AnswerQuerySet, CommentQuerySet
from .items import KnowledgeItem


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
