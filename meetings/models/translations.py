"""Translations of a meeting's title, description and agenda (see communities.models.translations)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from parler.fields import TranslationsForeignKey

from communities.models import ContentTranslation


class MeetingTranslation(ContentTranslation):
    """A meeting's title and description in one more language."""

    master = TranslationsForeignKey("meetings.Meeting", on_delete=models.CASCADE, related_name="translations")
    title_translation = models.CharField(_("title"), max_length=200)
    description_translation = models.TextField(_("description"), blank=True)

    TEXT_FIELDS = {"title_translation": "title", "description_translation": "description"}

    class Meta:
        verbose_name = _("meeting translation")
        verbose_name_plural = _("meeting translations")
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["master", "language_code"], name="meeting_translation_one_per_language")
        ]


class AgendaItemTranslation(ContentTranslation):
    """One agenda point in one more language; written with its meeting's translation."""

    master = TranslationsForeignKey("meetings.AgendaItem", on_delete=models.CASCADE, related_name="translations")
    title_translation = models.CharField(_("title"), max_length=300)
    notes_translation = models.TextField(_("notes"), blank=True)

    TEXT_FIELDS = {"title_translation": "title", "notes_translation": "notes"}

    class Meta:
        verbose_name = _("agenda item translation")
        verbose_name_plural = _("agenda item translations")
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["master", "language_code"], name="agenda_item_translation_one_per_language")
        ]
