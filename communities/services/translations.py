"""Writing translations of what people wrote, reviewing them, and asking a member to translate.

Rules, once:
- A translation is into one of the community's languages (`Community.languages`), never into
  the language the text is written in. One row per object and language: saving again edits it.
- Whoever may translate the object writes it (permissions.may_translate); the row records who.
  Changing the text of a reviewed translation makes it unreviewed again.
- Only the community's coordinators mark a translation reviewed (permissions.may_review_translations).
- Asking a member to translate grants them `<app>.translate_<model>` on that one object and
  emails them, through the outbox, in their language; asking twice sends one email.

The objects are any parler-translatable content with a `community` (or a Community itself):
communities, groups, meetings, announcements. Agenda items are written with their meeting.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from members import outbox

from .. import permissions
from ..models import Community, Membership
from ._common import MembershipError


class TranslationError(MembershipError):
    """A translation the rules refuse; its message says why (translated)."""


def community_of(obj) -> Community:
    return obj if isinstance(obj, Community) else obj.community


def target_languages(obj) -> list[str]:
    """Return the languages obj may be translated into: the community's, but not its own."""
    community = community_of(obj)
    return [code for code in community.languages if code != obj.content_language]


def _check_language(obj, language: str) -> None:
    if language not in target_languages(obj):
        raise TranslationError(_("This text cannot be translated into that language here."), code="language")


def translation_get(obj, language: str):
    """Return obj's translation into language, or None."""
    return obj.translations.filter(language_code=language).select_related("translated_by", "reviewed_by").first()


@transaction.atomic
def translation_save(*, obj, language: str, by, texts: dict[str, str], agenda: dict[int, dict[str, str]] | None = None):
    """Write (or rewrite) obj's translation into language from texts {original field name: text}.

    agenda, for a meeting, maps agenda item ids to their {title, notes} in language.
    """
    if not permissions.may_translate(by, obj):
        raise TranslationError(_("You may not translate this."), code="forbidden")
    _check_language(obj, language)
    model = obj.translations.model
    required = next(iter(model.TEXT_FIELDS.values()))
    if not (texts.get(required) or "").strip():
        raise TranslationError(_("Write the translated title (or name): it cannot be empty."), code="empty")
    row = _write(obj, language, by, texts)
    for item in obj.agenda_items.filter(pk__in=list(agenda or {})) if agenda else []:
        values = agenda[item.pk]
        if (values.get("title") or "").strip():
            _write(item, language, by, values)
    return row


def _write(obj, language: str, by, texts: dict[str, str]):
    model = obj.translations.model
    row = model.objects.select_for_update().filter(master=obj, language_code=language).first()
    if row is None:
        row = model(master=obj, language_code=language)
    changed = row.pk is None
    for translated_name, name in model.TEXT_FIELDS.items():
        value = (texts.get(name) or "").strip()
        if getattr(row, translated_name) != value:
            setattr(row, translated_name, value)
            changed = True
    if not changed:
        return row  # a double submit changes nothing
    row.translated_by = by
    row.reviewed_by, row.reviewed_at = None, None  # a changed text needs a new review
    row.save()
    return row


@transaction.atomic
def translation_review(*, obj, language: str, by):
    """Mark obj's translation into language reviewed by `by` (its agenda's too); idempotent."""
    if not permissions.may_review_translations(by, obj):
        raise TranslationError(_("Only the community's coordinators review translations."), code="forbidden")
    row = obj.translations.select_for_update().filter(language_code=language).first()
    if row is None:
        raise TranslationError(_("There is no translation into that language yet."), code="missing")
    if row.reviewed_at is None:
        now = timezone.now()
        row.reviewed_by, row.reviewed_at = by, now
        row.save(update_fields=["reviewed_by", "reviewed_at"])
        if hasattr(obj, "agenda_items"):
            from django.apps import apps

            item_model = apps.get_model("meetings", "AgendaItemTranslation")
            item_model.objects.filter(master__meeting=obj, language_code=language, reviewed_at__isnull=True).update(
                reviewed_by=by, reviewed_at=now
            )
    return row


@transaction.atomic
def translation_ask(*, obj, language: str, member, by):
    """Ask member to translate obj into language: grant them the right on obj and email them once."""
    community = community_of(obj)
    if not permissions.may_ask_translation(by, community):
        raise TranslationError(_("Only the community's coordinators ask for translations."), code="forbidden")
    _check_language(obj, language)
    if not Membership.objects.active().community_level().filter(community=community, user=member).exists():
        raise TranslationError(_("Ask an active member of the community."), code="not_member")
    permissions.grant(permissions.translate_perm(obj), member, obj)
    label = obj._meta.label
    return outbox.enqueue(
        "communities.send_translation_request",
        label,
        obj.pk,
        language,
        member.pk,
        by.pk,
        key=f"translation-ask:{label}:{obj.pk}:{language}:{member.pk}",
    )
