"""Translations of what people write: who wrote each one, and whether it is reviewed.

Why django-parler, and why this shape: the original text stays in its own columns
(`Community.name`, `Meeting.title`...) so search vectors, ordering, exports and every
existing query keep working unchanged. Each translatable model gets a parler
translations model (`TranslatedFieldsModel`, one row per language) that holds only the
translations, plus the extra columns django-modeltranslation could not give us per
language: who translated, who reviewed and when. Parler proxies each translated field
onto the shared model under its own name (`name_translation`...), because it refuses to
shadow a real column; pages do not use those proxies (each would be a query per row).
They read the viewer's language through `with_translation()` (one correlated subquery in
the query that already loads the rows, so no page runs an extra query) or through the
prefetched `translations` relation, and `communities.translation.localize()` picks the
translation or falls back to the original with a note of its language.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from parler.fields import TranslationsForeignKey
from parler.models import TranslatableModelMixin, TranslatedFieldsModel

__all__ = ["CommunityTranslation", "ContentTranslation", "GroupTranslation", "TranslatableModelMixin"]


class ContentTranslation(TranslatedFieldsModel):
    """One language version of a piece of content, written by someone and maybe reviewed."""

    translated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("translated by"),
    )
    translated_at = models.DateTimeField(_("translated at"), auto_now=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    #: The names of the translated text fields, and the original field each one translates.
    TEXT_FIELDS: dict[str, str] = {}

    class Meta:
        abstract = True
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.language_code}: {self.master_id}"

    @property
    def is_reviewed(self) -> bool:
        return self.reviewed_at is not None


class CommunityTranslation(ContentTranslation):
    """A community's name, tagline and description in one more language."""

    master = TranslationsForeignKey("communities.Community", on_delete=models.CASCADE, related_name="translations")
    name_translation = models.CharField(_("name"), max_length=200)
    tagline_translation = models.CharField(_("tagline"), max_length=300, blank=True)
    description_translation = models.TextField(_("description"), blank=True)

    TEXT_FIELDS = {
        "name_translation": "name",
        "tagline_translation": "tagline",
        "description_translation": "description",
    }

    class Meta:
        verbose_name = _("community translation")
        verbose_name_plural = _("community translations")
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["master", "language_code"], name="community_translation_one_per_language")
        ]


class GroupTranslation(ContentTranslation):
    """A group's name and description in one more language."""

    master = TranslationsForeignKey(
        "communities.Group", on_delete=models.CASCADE, related_name="translations", null=True
    )
    name_translation = models.CharField(_("name"), max_length=200)
    description_translation = models.TextField(_("description"), blank=True)

    TEXT_FIELDS = {"name_translation": "name", "description_translation": "description"}

    class Meta:
        verbose_name = _("group translation")
        verbose_name_plural = _("group translations")
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["master", "language_code"], name="group_translation_one_per_language")
        ]
