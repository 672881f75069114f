"""Items in several languages: add a translation of an item, or link an existing item as one.

Rules, written once:
- A translation set is an original (translation_of is null) and the items whose translation_of
  is that original; at most one item per language (a database constraint backs the check here).
- Whoever may edit an item may add a translation of it: a new draft in another language,
  prefilled with the item's text to translate, written by them (its own authors, revisions, files).
- Whoever may edit an item may link another item of the same community they may see, in a
  language the set lacks, as its translation; an item already in another set is refused, never
  moved (its own translations would be left behind).
- A double submit changes nothing: the second "add" returns the draft the first made.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import User

from ..models import KnowledgeItem
from ..selectors import can_see_item
from ._common import DOUBLE_SUBMIT_WINDOW, _require_editor
from .items import AuthorSpec, item_create


def translation_set(root_id: int):
    """Return every item of the set whose original is root_id (unscoped: callers scope what they show)."""
    return KnowledgeItem.objects.filter(Q(pk=root_id) | Q(translation_of_id=root_id))


def _locked_root(item: KnowledgeItem) -> KnowledgeItem:
    """Lock and return the original of item's set, so two writers cannot both add the same language."""
    return KnowledgeItem.objects.select_for_update().get(pk=item.translation_root_id)


def _language_name(code: str) -> str:
    return str(dict(settings.LANGUAGES).get(code, code))


@transaction.atomic
def item_translation_create(*, item: KnowledgeItem, by: User, language: str) -> KnowledgeItem:
    """Create a draft translation of item in language, prefilled with item's text and linked to its set."""
    _require_editor(user=by, item=item)
    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("Choose a language.")})
    root = _locked_root(item)
    existing = translation_set(root.pk).filter(language=language).first()
    if existing is not None:
        recent = timezone.now() - DOUBLE_SUBMIT_WINDOW
        if existing.created_by_id == by.pk and existing.created_at >= recent and existing.translation_of_id:
            return existing  # the same form sent twice
        raise ValidationError(
            {"language": _("This item already has a version in %(language)s.") % {"language": _language_name(language)}}
        )
    source = KnowledgeItem.objects.select_related("group", "meeting").get(pk=item.pk)
    return item_create(
        community=source.community,
        by=by,
        kind=source.kind,
        title=source.title,
        summary=source.summary,
        body=source.body,
        language=language,
        visibility=source.visibility,
        group=source.group,
        themes=list(source.themes.names()),
        organizations=list(source.organizations.all()),
        meeting=source.meeting,
        licence=source.licence,
        links=source.links,
        authors=[AuthorSpec(user=by)],
        translation_of=root,
    )


@transaction.atomic
def item_translation_link(*, item: KnowledgeItem, other: KnowledgeItem, by: User) -> KnowledgeItem:
    """Link other (an item by itself) to item's set as a translation; linking it again changes nothing."""
    _require_editor(user=by, item=item)
    if other.community_id != item.community_id or not can_see_item(user=by, item=other):
        raise ValidationError({"other": _("Choose an item of this community that you can see.")})
    root = _locked_root(item)
    other = KnowledgeItem.objects.select_for_update().get(pk=other.pk)
    if other.translation_root_id == root.pk:
        return other
    if other.translation_of_id or KnowledgeItem.objects.filter(translation_of=other).exists():
        raise ValidationError({"other": _("This item is already linked with translations of its own.")})
    if translation_set(root.pk).filter(language=other.language).exists():
        raise ValidationError(
            {
                "other": _("This item already has a version in %(language)s.")
                % {"language": _language_name(other.language)}
            }
        )
    other.translation_of = root
    other.save(update_fields=["translation_of", "updated_at"])
    return other
