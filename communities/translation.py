"""Show what people wrote in the viewer's language when someone translated it, else the original.

`localize(obj)` answers, for one community, group, meeting, agenda item or announcement, which
text to show and in which language: the translation into the viewer's language if one exists
(and the viewer did not ask for the original), otherwise the original with its language, so
the page can mark the element with `lang`/`dir` and say "Written in Italian".

Translations are read from the object's prefetched `translations` when a list prefetched them
(one query for the whole list), else with one query for that object, and only when the viewer's
language differs from the one the text is written in: a page read in the language it was
written in asks nothing more than before.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import get_language

from members.bidi import language_direction

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


def language_name(code: str) -> str:
    """Return the language's name in the viewer's language ("Italian", "italiano"...)."""
    from django.utils.translation import gettext

    names = dict(settings.LANGUAGES)
    return gettext(str(names[code])) if code in names else code


def _viewer_language() -> str:
    return (get_language() or settings.LANGUAGE_CODE).split("-")[0]


# Where prefetch_translations leaves a row's translations: {language: [its translation into it]}.
READ_FOR_READER = "_reader_translations"


def translation_of(obj, language: str):
    """Return obj's translation into language, or None (prefetched rows first, else one query)."""
    read = obj.__dict__.get(READ_FOR_READER)
    if read is not None and language in read:
        return next(iter(read[language]), None)
    prefetched = getattr(obj, "_prefetched_objects_cache", {}).get("translations")
    if prefetched is not None:
        return next((row for row in prefetched if row.language_code == language), None)
    return obj.translations.select_related("translated_by", "reviewed_by").filter(language_code=language).first()


def _relation_cached(obj, relation: str) -> bool:
    """Return whether obj's community (or its meeting's community) is loaded already."""
    for name in relation.split("__"):
        field = type(obj)._meta.get_field(name)
        if not field.is_cached(obj):
            return False
        obj = getattr(obj, name)
    return True


def _loaded_relations(objects) -> list:
    """Return the community and group each row has loaded already (select_related), to translate with it.

    A meeting card names its community and group: their names come in the reader's language from
    the same query as the rows'. Only relations already loaded are taken (nothing is read for them),
    and a group is given its row's community, which is its own, so its language is known without a query.
    """
    related = []
    for obj in objects:
        if obj is None:
            continue
        for name in ("community", "group"):
            try:
                field = type(obj)._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if not field.many_to_one or not field.is_cached(obj):
                continue
            target = getattr(obj, name)
            if target is None or not hasattr(type(target), "translations"):
                continue
            if name == "group" and _relation_cached(obj, "community") and target.community_id == obj.community_id:
                type(target)._meta.get_field("community").set_cached_value(target, obj.community)
            related.append(target)
    return related


def prefetch_translations(objects, language: str | None = None) -> list:
    """Load the translations of objects into language (default: the viewer's) in one query.

    A list page calls it once (`{% reader_list meetings as meetings %}`, or its view for a page
    that lists several kinds, like /me/) so that `localize()` of each row reads the prefetched
    translation instead of asking the database: the page's query count stays the same however
    many rows it shows. Communities, groups, meetings, agenda points and announcements are read
    together (one UNION ALL over their translation tables), whatever languages the rows are written
    in, so that a page runs the same number of queries on any data.
    """
    objects = list(objects)
    viewer = (language or _viewer_language()).split("-")[0]
    everything = [*objects, *_loaded_relations(objects)]
    communities = {
        obj.pk: obj for obj in everything if type(obj).__name__ == "Community" and hasattr(type(obj), "translations")
    }
    needing: dict[type, list] = {}
    unknown: dict[str, list] = {}
    for obj in everything:
        if obj is None or not hasattr(type(obj), "translations"):
            continue
        if viewer in obj.__dict__.get(READ_FOR_READER, ()) or "translations" in getattr(
            obj, "_prefetched_objects_cache", {}
        ):
            continue
        if getattr(obj, "community_id", None) in communities and not getattr(obj, "language", ""):
            # Its language is its community's, which this list holds already.
            type(obj)._meta.get_field("community").set_cached_value(obj, communities[obj.community_id])
        relation = "meeting__community" if hasattr(type(obj), "meeting") else "community"
        if hasattr(type(obj), relation.split("__")[0]) and not _relation_cached(obj, relation):
            # Its language may be its community's (or meeting's): load those once for the list, not per row.
            # Decided by what the list holds, never by which rows lack a language, so the count stays put.
            unknown.setdefault(relation, []).append(obj)
        # Every row is asked for, even one written in the reader's language (it has no such translation):
        # the page runs the same queries whatever languages its rows are written in.
        needing.setdefault(type(obj), []).append(obj)
    if not needing:
        return objects
    from django.db.models import prefetch_related_objects

    for relation, rows in unknown.items():
        prefetch_related_objects(rows, relation)
    found = _translations_of(needing, viewer)
    # Each row keeps its translation into the reader's language beside it, for translation_of(),
    # not in Django's prefetch cache: that would need a queryset per row (cloned, with the row's
    # filter), about 20 µs a row, 5 ms for a meeting list with its group filter (issue 15). So
    # `obj.translations` stays the database's answer for anything that asks it directly.
    for model, rows in needing.items():
        for obj in rows:
            obj.__dict__.setdefault(READ_FOR_READER, {})[viewer] = found.get((model, obj.pk), ())
    return objects


def _translations_of(needing: dict[type, list], language: str) -> dict[tuple[type, int], list]:
    """Return {(model, master id): [translation]} for the rows of needing, in one UNION ALL query."""
    from django.db.models import CharField, IntegerField, Value

    widest = max(len(model.translations.rel.related_model.TEXT_FIELDS) for model in needing)
    models = list(needing)
    union = None
    for index, model in enumerate(models):
        translation_model = model.translations.rel.related_model
        names = list(translation_model.TEXT_FIELDS)
        padding = {f"_text{n}": Value("", output_field=CharField()) for n in range(len(names), widest)}
        part = (
            translation_model.objects.filter(master_id__in=[obj.pk for obj in needing[model]], language_code=language)
            .annotate(_model=Value(index, output_field=IntegerField()), **padding)
            .values_list(
                "_model",
                "pk",
                "master_id",
                *names,
                *padding,
                "translated_by_id",
                "translated_at",
                "reviewed_by_id",
                "reviewed_at",
            )
        )
        union = part if union is None else union.union(part, all=True)
    found: dict[tuple[type, int], list] = {}
    for model_index, pk, master_id, *rest in union:
        model = models[model_index]
        translation_model = model.translations.rel.related_model
        names = list(translation_model.TEXT_FIELDS)
        texts = dict(zip(names, rest[: len(names)], strict=True))
        translated_by_id, translated_at, reviewed_by_id, reviewed_at = rest[widest:]
        row = translation_model(
            pk=pk,
            master_id=master_id,
            language_code=language,
            translated_by_id=translated_by_id,
            translated_at=translated_at,
            reviewed_by_id=reviewed_by_id,
            reviewed_at=reviewed_at,
            **texts,
        )
        row._state.adding, row._state.db = False, "default"
        found.setdefault((model, master_id), []).append(row)
    return found


@dataclass(frozen=True)
class Shown:
    """The text of one object as a page shows it; `shown.name`, `shown.title`... read the text."""

    obj: object
    language: str
    original_language: str
    viewer_language: str
    translation: object | None
    translated: bool
    texts: dict = field(default_factory=dict)

    def __getitem__(self, name: str):
        return self.texts[name]

    @property
    def headline(self) -> str:
        """Return the first text (a name or a title), e.g. to quote the object in an email."""
        return next(iter(self.texts.values()), "")

    @property
    def rtl(self) -> bool:
        return self.dir == "rtl"

    @property
    def dir(self) -> str:
        return language_direction(self.language)

    @property
    def language_name(self) -> str:
        return language_name(self.language)

    @property
    def viewer_language_name(self) -> str:
        return language_name(self.viewer_language)

    @property
    def original_language_name(self) -> str:
        return language_name(self.original_language)

    @property
    def in_other_language(self) -> bool:
        """Whether the text shown is not in the viewer's language (the page says which it is)."""
        return self.language != self.viewer_language

    @property
    def has_translation(self) -> bool:
        return self.translation is not None


def localize(obj, *, language: str | None = None, original: bool = False) -> Shown:
    """Return obj's text in language (default: the viewer's), falling back to the original."""
    viewer = (language or _viewer_language()).split("-")[0]
    source = obj.content_language
    translation = translation_of(obj, viewer) if viewer != source else None
    model = type(obj).translations.rel.related_model
    texts = {name: getattr(obj, name) for name in model.TEXT_FIELDS.values()}
    translated = translation is not None and not original
    if translated:
        for translated_name, name in model.TEXT_FIELDS.items():
            value = getattr(translation, translated_name)
            if value:
                texts[name] = value
    return Shown(
        obj=obj,
        language=viewer if translated else source,
        original_language=source,
        viewer_language=viewer,
        translation=translation,
        translated=translated,
        texts=texts,
    )


def localized_agenda(items, language: str) -> list:
    """Return copies of items (agenda points) whose texts are in language where translated (for emails).

    The copies keep every other attribute, so templates and tags written for the items still work.
    """
    copies = []
    for item in items:
        shown = localize(item, language=language)
        clone = copy.copy(item)
        for name, value in shown.texts.items():
            setattr(clone, name, value)
        clone.shown = shown
        copies.append(clone)
    return copies
