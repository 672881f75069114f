"""A community's vocabulary of themes: add, rename, merge, retire and restore, and seed it.

Rules:
- Objects carry themes as taggit tags, and a Tag row is shared by every community (and by
  people's expertise). Renaming or merging therefore never renames a Tag: it moves the
  tagged-item rows of THIS community's objects (the community itself, its groups, and what
  higher apps register through hooks.register_themed_objects: knowledge items, meetings)
  from the old tag to the tag of the new name. Another community keeps its themes as they are.
- Names are compared without regard to case inside a vocabulary: "Energy" and "energy"
  cannot both be themes of one community; renaming to another theme's name is a merge.
- People follow a theme by its (global) tag: after a rename or merge, those who followed the old
  name and may see this community's content follow the new name too (hooks.theme_moved; knowledge
  keeps the follows). Their follow of the old name stays: other communities may still use it.
- A retired theme is no longer suggested; the objects keep it, and restoring brings it back.
- A theme typed on an object is NOT added to the vocabulary by itself: the vocabulary is the
  coordinators' list. The console's themes page shows the themes in use that the vocabulary
  lacks, each with a button to add it; themes_seed fills a vocabulary from what is in use.
- Every write locks the community row first, returns early on a repeat (a retried POST
  changes nothing twice) and records one CommunityEvent in the same transaction; seeding is
  a data step of the portal and records nothing.
"""

from __future__ import annotations

from collections import Counter

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from taggit.models import Tag

from .. import hooks
from ..models import Community, CommunityEvent, Group, Theme
from .audit import record_event

THEME_MAX_LENGTH = 100


class ThemeError(ValidationError):
    """A theme change the rules refuse; its message says why (translated)."""

    @property
    def text(self) -> str:
        return " ".join(str(message) for message in self.messages)


# --- The objects that carry a community's themes ------------------------------------------------


def themed_objects(community: Community) -> list[hooks.ThemedObjects]:
    """Return every set of objects of community that carries themes (its own page, groups, then higher apps')."""
    return [
        hooks.ThemedObjects(queryset=Community.objects.filter(pk=community.pk)),
        hooks.ThemedObjects(queryset=Group.objects.filter(community=community)),
        *hooks.themed_objects(community=community),
    ]


def _links(themed: hooks.ThemedObjects):
    """Return (the tagged-item rows of themed's objects, the name of the field holding the object's id)."""
    model = themed.queryset.model
    through = model.themes.through
    ids = themed.queryset.order_by().values("pk")
    if any(field.name == "content_type" for field in through._meta.fields):  # taggit's generic TaggedItem
        content_type = ContentType.objects.get_for_model(model)
        return through.objects.filter(content_type=content_type, object_id__in=ids), "object_id"
    return through.objects.filter(content_object__in=ids), "content_object_id"


def theme_usage(community: Community) -> Counter:
    """Return {theme name: how many objects of community carry it}; one query per kind of object."""
    usage: Counter = Counter()
    for themed in themed_objects(community):
        rows, _object_field = _links(themed)
        for name, count in rows.order_by().values_list("tag__name").annotate(count=Count("pk")):
            usage[name] += count
    return usage


def _retag(community: Community, old_name: str, new_name: str) -> int:
    """Move community's objects from the tag old_name to the tag new_name; return how many objects moved."""
    old_tag = Tag.objects.filter(name=old_name).first()
    if old_tag is None or old_name == new_name:
        return 0
    new_tag = Tag.objects.filter(name=new_name).first() or Tag.objects.create(name=new_name)
    moved = 0
    for themed in themed_objects(community):
        rows, object_field = _links(themed)
        with_old = rows.filter(tag=old_tag)
        touched = list(with_old.values_list(object_field, flat=True))
        if not touched:
            continue
        # An object that carries both themes keeps one link, to the new one.
        with_old.filter(**{f"{object_field}__in": rows.filter(tag=new_tag).values(object_field)}).delete()
        rows.filter(tag=old_tag).update(tag=new_tag)
        moved += len(touched)
        if themed.retagged is not None:
            themed.retagged(touched)
    hooks.theme_moved(community=community, old_tag=old_tag, new_tag=new_tag)
    return moved


# --- The vocabulary ------------------------------------------------------------------------------


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ThemeError(_("Enter the theme's name."), code="empty")
    if len(name) > THEME_MAX_LENGTH:
        raise ThemeError(_("Keep a theme under %(limit)s characters.") % {"limit": THEME_MAX_LENGTH}, code="too_long")
    if '"' in name or any(mark in name for mark in ",;،؛"):
        raise ThemeError(_("A theme is one name: leave out commas, semicolons and quotes."), code="separator")
    return name


def _same_name(community: Community, name: str, *, exclude: Theme | None = None) -> Theme | None:
    themes = Theme.objects.filter(community=community, name__iexact=name)
    if exclude is not None:
        themes = themes.exclude(pk=exclude.pk)
    return themes.first()


def _lock(community: Community) -> Community:
    return Community.objects.select_for_update().get(pk=community.pk)


def _locked_theme(theme: Theme) -> Theme:
    _lock(theme.community)
    return Theme.objects.select_for_update().get(pk=theme.pk)


@transaction.atomic
def theme_add(*, community: Community, by, name: str) -> Theme:
    """Add name to community's vocabulary and return the theme; adding it again returns the same theme."""
    name = _clean_name(name)
    community = _lock(community)
    existing = _same_name(community, name)
    if existing is not None:
        if existing.name == name and existing.retired_at is None:
            return existing
        if existing.retired_at is not None:
            raise ThemeError(
                _("“%(name)s” is a retired theme: restore it instead.") % {"name": existing.name}, code="retired"
            )
        raise ThemeError(_("The vocabulary already has “%(name)s”.") % {"name": existing.name}, code="exists")
    theme = Theme.objects.create(community=community, name=name)
    record_event(community=community, by=by, action=CommunityEvent.Action.THEME_ADDED, target=name)
    return theme


@transaction.atomic
def theme_rename(*, theme: Theme, by, name: str) -> Theme:
    """Rename theme and retag every object of its community that carries it; return the theme."""
    name = _clean_name(name)
    theme = _locked_theme(theme)
    if theme.name == name:
        return theme
    clash = _same_name(theme.community, name, exclude=theme)
    if clash is not None:
        raise ThemeError(
            _("The vocabulary already has “%(name)s”: merge the two themes instead.") % {"name": clash.name},
            code="exists",
        )
    old_name = theme.name
    moved = _retag(theme.community, old_name, name)
    theme.name = name
    theme.save(update_fields=["name", "updated_at"])
    record_event(
        community=theme.community,
        by=by,
        action=CommunityEvent.Action.THEME_RENAMED,
        target=name,
        changes={"name": [old_name, name], "objects": [None, moved]},
    )
    return theme


@transaction.atomic
def theme_merge(*, theme: Theme, into: Theme, by) -> Theme:
    """Merge theme into `into`: every object that carried theme carries `into`, and theme leaves the vocabulary."""
    if theme.community_id != into.community_id:
        raise ValueError("Both themes must belong to one community.")
    if theme.pk == into.pk:
        raise ThemeError(_("Choose two different themes to merge."), code="same")
    _lock(theme.community)
    locked = {t.pk: t for t in Theme.objects.select_for_update().filter(pk__in=[theme.pk, into.pk]).order_by("pk")}
    if theme.pk not in locked:
        return into  # merged already: a repeated request changes nothing
    theme, into = locked[theme.pk], locked[into.pk]
    moved = _retag(theme.community, theme.name, into.name)
    old_name = theme.name
    theme.delete()
    record_event(
        community=into.community,
        by=by,
        action=CommunityEvent.Action.THEME_MERGED,
        target=f"{old_name} → {into.name}",
        changes={"name": [old_name, into.name], "objects": [None, moved]},
    )
    return into


@transaction.atomic
def theme_retire(*, theme: Theme, by) -> Theme:
    """Stop suggesting theme (the objects keep it); retiring it again changes nothing."""
    theme = _locked_theme(theme)
    if theme.retired_at is not None:
        return theme
    theme.retired_at = timezone.now()
    theme.save(update_fields=["retired_at", "updated_at"])
    record_event(community=theme.community, by=by, action=CommunityEvent.Action.THEME_RETIRED, target=theme.name)
    return theme


@transaction.atomic
def theme_restore(*, theme: Theme, by) -> Theme:
    """Suggest a retired theme again; restoring an active theme changes nothing."""
    theme = _locked_theme(theme)
    if theme.retired_at is None:
        return theme
    theme.retired_at = None
    theme.save(update_fields=["retired_at", "updated_at"])
    record_event(community=theme.community, by=by, action=CommunityEvent.Action.THEME_RESTORED, target=theme.name)
    return theme


@transaction.atomic
def themes_seed(*, community: Community) -> list[Theme]:
    """Add to community's vocabulary every theme its objects carry that it lacks; return the themes added.

    Safe to run again: a name already in the vocabulary (in any case, retired or not) is skipped.
    """
    community = _lock(community)
    known = {name.casefold() for name in Theme.objects.filter(community=community).values_list("name", flat=True)}
    added = []
    for name in sorted(theme_usage(community)):
        clean = " ".join(name.split())[:THEME_MAX_LENGTH]
        if clean and clean.casefold() not in known:
            known.add(clean.casefold())
            added.append(Theme(community=community, name=clean))
    return Theme.objects.bulk_create(added)
