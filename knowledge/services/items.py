"""Items: create, edit, publish and restore a knowledge item, with its authors, revisions and search vector."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.contrib.postgres.search import SearchVector
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import connection, transaction
from django.db.models import Max, TextField, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from communities import permissions
from communities.models import Community, Group, Membership
from communities.reporting import reports_changed
from communities.theme_names import theme_names_clean
from members.models import Organization, User

from ..markup import plain_text, render_markdown
from ..models import ItemAuthor, KnowledgeItem, Licence, Revision
from ..webhooks import emit_item_published
from ._common import CHANGE_PERM, DOUBLE_SUBMIT_WINDOW, _clean_text, _require_editor, _require_member, _unique_slug

SEARCH_CONFIGS = {"it": "italian", "en": "english", "ar": "simple"}
CONTENT_FIELDS = ["kind", "title", "summary", "body", "language", "visibility", "group", "licence", "links"]
RESTORABLE = [*CONTENT_FIELDS, "themes", "organizations"]


@dataclass(frozen=True)
class AuthorSpec:
    """One author in order: a member (user), or an external person (name and affiliation)."""

    user: User | None = None
    name: str = ""
    affiliation: str = ""


# ----------------------------------------------------------------------------- helpers


def _clean_links(links: Iterable) -> list[dict]:
    """Return links as [{"title", "url"}], refusing anything that is not an http(s) address."""
    validate = URLValidator(schemes=["http", "https"])
    cleaned = []
    for link in links or []:
        if isinstance(link, str):
            title, url = "", link
        else:
            title, url = link.get("title", ""), link.get("url", "")
        url, title = _clean_text(url, limit=500), _clean_text(title, limit=200)
        if not url:
            continue
        try:
            validate(url)
        except ValidationError as error:
            raise ValidationError(
                {"links": _("%(url)s is not a web address (http:// or https://).") % {"url": url[:80]}}
            ) from error
        cleaned.append({"title": title, "url": url})
    return cleaned


TITLE_MAX = 200
SUMMARY_MAX = 1000
BODY_MAX = 200_000


def _clean_item_fields(*, community: Community, fields: dict, current_group_id: int | None = None) -> dict:
    errors = {}
    if "title" in fields:
        fields["title"] = _clean_text(fields["title"])
        if not fields["title"]:
            errors["title"] = _("Give the item a title.")
    # Too long is refused, never cut: a cut text would lose its end without anybody knowing.
    for name, limit in (("title", TITLE_MAX), ("summary", SUMMARY_MAX), ("body", BODY_MAX)):
        if name in fields:
            fields[name] = _clean_text(fields[name])
            if len(fields[name]) > limit:
                errors[name] = _(
                    "This text has %(count)s characters; the limit is %(limit)s. Shorten it, "
                    "or share the rest as a file."
                ) % {"count": len(fields[name]), "limit": limit}
    if "kind" in fields and fields["kind"] not in KnowledgeItem.Kind.values:
        errors["kind"] = _("Choose a kind.")
    if "language" in fields and fields["language"] not in dict(settings.LANGUAGES):
        errors["language"] = _("Choose a language.")
    if fields.get("licence") and fields["licence"] not in Licence.values:
        errors["licence"] = _("Choose a licence.")
    if "visibility" in fields and fields["visibility"] not in KnowledgeItem.Visibility.values:
        errors["visibility"] = _("Choose who can see the item.")
    group = fields.get("group")
    if group is not None and group.community_id != community.pk:
        errors["group"] = _("Choose a group of this community.")
    elif group is not None and group.pk != current_group_id and not permissions.group_accepts_new_content(group):
        errors["group"] = _("This group is archived: nothing new can be added to it.")
    if "meeting" in fields and fields["meeting"] is not None and fields["meeting"].community_id != community.pk:
        errors["meeting"] = _("Choose a meeting of this community.")
    if "links" in fields:
        try:
            fields["links"] = _clean_links(fields["links"])
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    return fields


def _clean_authors(*, community: Community, authors: Sequence[AuthorSpec]) -> list[AuthorSpec]:
    cleaned, seen = [], set()
    member_ids = set(
        Membership.objects.active()
        .community_level()
        .filter(community=community, user__in=[a.user for a in authors if a.user is not None])
        .values_list("user_id", flat=True)
    )
    for author in authors:
        if author.user is not None:
            if author.user.pk in seen:
                continue
            if author.user.pk not in member_ids:
                raise ValidationError(
                    {"authors": _("%(name)s is not a member of this community.") % {"name": author.user}}
                )
            seen.add(author.user.pk)
            cleaned.append(AuthorSpec(user=author.user, affiliation=_clean_text(author.affiliation, limit=200)))
        else:
            name = _clean_text(author.name, limit=200)
            if not name:
                continue
            cleaned.append(AuthorSpec(name=name, affiliation=_clean_text(author.affiliation, limit=200)))
    if not cleaned:
        raise ValidationError({"authors": _("An item needs at least one author.")})
    return cleaned


def _set_authors(*, item: KnowledgeItem, authors: Sequence[AuthorSpec]) -> None:
    """Replace item's authors and give each member author (and only them) the per-item edit grant."""
    before = set(ItemAuthor.objects.filter(item=item, user__isnull=False).values_list("user_id", flat=True))
    ItemAuthor.objects.filter(item=item).delete()
    ItemAuthor.objects.bulk_create(
        ItemAuthor(item=item, user=a.user, name=a.name, affiliation=a.affiliation, order=n)
        for n, a in enumerate(authors, start=1)
    )
    after = {a.user.pk: a.user for a in authors if a.user is not None}
    # One grant per co-author on this one item: never in bulk, never on other items.
    for user in after.values():
        permissions.grant(CHANGE_PERM, user, item)
    for user in User.objects.filter(pk__in=before - set(after)):
        permissions.revoke(CHANGE_PERM, user, item)


def _snapshot(item: KnowledgeItem) -> dict:
    authors = ItemAuthor.objects.filter(item=item).order_by("order", "pk")
    return {
        "kind": item.kind,
        "title": item.title,
        "summary": item.summary,
        "body": item.body,
        "language": item.language,
        "visibility": item.visibility,
        "group": item.group_id,
        "status": item.status,
        "licence": item.licence,
        "links": item.links,
        "meeting": getattr(item, "meeting_id", None),
        "themes": sorted(item.themes.names()),
        "organizations": sorted(item.organizations.values_list("pk", flat=True)),
        "authors": [{"user": a.user_id, "name": a.name, "affiliation": a.affiliation} for a in authors],
    }


def _write_revision(
    *, item: KnowledgeItem, by, before: dict | None, action: str, restored_from: int | None = None
) -> Revision | None:
    after = _snapshot(item)
    changed = [key for key in after if before is None or before.get(key) != after[key]]
    if before is not None and not changed:
        return None
    added = removed = 0
    old_body = (before or {}).get("body", "")
    if old_body != after["body"]:
        for line in difflib.ndiff(old_body.splitlines(), after["body"].splitlines()):
            added += line.startswith("+ ")
            removed += line.startswith("- ")
    number = (Revision.objects.filter(item=item).aggregate(n=Max("number"))["n"] or 0) + 1
    return Revision.objects.create(
        item=item,
        number=number,
        author=by if getattr(by, "is_authenticated", False) else None,
        action=action,
        snapshot=after,
        changed_fields=changed if before is not None else [],
        lines_added=added,
        lines_removed=removed,
        restored_from=restored_from,
    )


def search_vector_update(*, item: KnowledgeItem) -> None:
    """Store item's search vector, stemmed in its language (PostgreSQL only; SQLite searches with icontains)."""
    if connection.vendor != "postgresql":
        return
    config = SEARCH_CONFIGS.get(item.language, "simple")
    authors = " ".join(a.display_name for a in ItemAuthor.objects.filter(item=item).select_related("user"))
    extra = " ".join([*item.themes.names(), authors, *item.organizations.values_list("name", flat=True)])
    vector = (
        SearchVector("title", weight="A", config=config)
        + SearchVector("summary", weight="B", config=config)
        + SearchVector(Value(extra, output_field=TextField()), weight="B", config=config)
        + SearchVector(Value(plain_text(item.body), output_field=TextField()), weight="C", config=config)
    )
    KnowledgeItem.objects.filter(pk=item.pk).update(search_vector=vector)


def _apply_fields(item: KnowledgeItem, fields: dict) -> None:
    for name in CONTENT_FIELDS + ["meeting"]:
        if name in fields:
            setattr(item, name, fields[name])
    if item.visibility == KnowledgeItem.Visibility.GROUP and item.group is None:
        raise ValidationError({"group": _("Choose the group that may see the item.")})
    item.body_html = render_markdown(item.body)


# ----------------------------------------------------------------------------- items


@transaction.atomic
def item_create(
    *,
    community: Community,
    by: User,
    kind: str,
    title: str,
    summary: str = "",
    body: str = "",
    language: str | None = None,
    visibility: str = KnowledgeItem.Visibility.COMMUNITY,
    group: Group | None = None,
    themes: Iterable[str] = (),
    organizations: Iterable[Organization] = (),
    meeting=None,
    licence: str = "",
    links: Iterable = (),
    authors: Sequence[AuthorSpec] | None = None,
    publish: bool = False,
    translation_of: KnowledgeItem | None = None,
) -> KnowledgeItem:
    """Create an item as a draft (or published) with its authors in order; write revision 1.

    translation_of is the original of the set the new item translates (services.translations checks it).
    """
    reports_changed(community.pk)  # counted again by the reports (after commit)
    _require_member(user=by, community=community, message=_("Only members of the community can share knowledge."))
    fields = {
        "kind": kind,
        "title": title,
        "summary": summary,
        "body": body,
        "language": language or community.default_language,
        "visibility": visibility,
        "group": group,
        "licence": licence or "",
        "links": list(links or []),
    }
    if meeting is not None:
        fields["meeting"] = meeting
    fields = _clean_item_fields(community=community, fields=fields)
    themes = _clean_themes(themes)
    authors = _clean_authors(community=community, authors=authors if authors is not None else [AuthorSpec(user=by)])
    recent = KnowledgeItem.objects.filter(
        community=community,
        created_by=by,
        title=fields["title"],
        body=fields["body"],
        language=fields["language"],
        translation_of=translation_of,
        created_at__gte=timezone.now() - DOUBLE_SUBMIT_WINDOW,
    ).first()
    if recent is not None:
        return recent  # the same form sent twice
    item = KnowledgeItem(community=community, created_by=by, translation_of=translation_of)
    _apply_fields(item, fields)
    item.slug = _unique_slug(KnowledgeItem, community=community, title=item.title)
    if publish:
        item.status = KnowledgeItem.Status.PUBLISHED
        item.published_at = timezone.now()
    item.save()
    _set_authors(item=item, authors=authors)
    item.themes.set(themes)
    item.organizations.set(list(organizations))
    search_vector_update(item=item)
    _write_revision(item=item, by=by, before=None, action=Revision.Action.CREATED)
    if item.status == KnowledgeItem.Status.PUBLISHED:
        emit_item_published(item)
    return item


def _clean_themes(themes: Iterable[str] | None) -> list[str]:
    """Return the theme names cleaned, or raise ValidationError keyed "themes" past the limits."""
    try:
        return theme_names_clean(themes)
    except ValidationError as error:
        raise ValidationError({"themes": error.messages}) from None


@transaction.atomic
def item_update(
    *,
    item: KnowledgeItem,
    by: User,
    authors: Sequence[AuthorSpec] | None = None,
    themes: Iterable[str] | None = None,
    organizations: Iterable[Organization] | None = None,
    _action: str = Revision.Action.EDITED,
    _restored_from: int | None = None,
    **fields,
) -> KnowledgeItem:
    """Change an item; write a revision with what changed. Submitting the same values again changes nothing."""
    reports_changed(item.community_id)  # counted again by the reports (after commit)
    item = KnowledgeItem.objects.select_for_update().get(pk=item.pk)
    _require_editor(user=by, item=item)
    unknown = set(fields) - set(CONTENT_FIELDS) - {"meeting"}
    if unknown:
        raise TypeError(f"item_update() got unexpected fields: {sorted(unknown)}")
    fields = _clean_item_fields(community=item.community, fields=dict(fields), current_group_id=item.group_id)
    if themes is not None:
        themes = _clean_themes(themes)
    if authors is not None:
        authors = _clean_authors(community=item.community, authors=authors)
    before = _snapshot(item)
    _apply_fields(item, fields)
    if "title" in fields and fields["title"] != before["title"]:
        item.slug = _unique_slug(KnowledgeItem, community=item.community, title=item.title, exclude_pk=item.pk)
    item.save()
    if authors is not None:
        current = [(a["user"], a["name"], a["affiliation"]) for a in before["authors"]]
        wanted = [(a.user.pk if a.user else None, a.name, a.affiliation) for a in authors]
        if current != wanted:
            _set_authors(item=item, authors=authors)
    if themes is not None and sorted(themes) != before["themes"]:
        item.themes.set(themes)
    if organizations is not None:
        organizations = list(organizations)
        if sorted(o.pk for o in organizations) != before["organizations"]:
            item.organizations.set(organizations)
    revision = _write_revision(item=item, by=by, before=before, action=_action, restored_from=_restored_from)
    if revision is not None:
        search_vector_update(item=item)
    return item


@transaction.atomic
def item_publish(*, item: KnowledgeItem, by: User) -> KnowledgeItem:
    """Publish a draft; publishing a published item changes nothing."""
    reports_changed(item.community_id)  # counted again by the reports (after commit)
    item = KnowledgeItem.objects.select_for_update().get(pk=item.pk)
    _require_editor(user=by, item=item)
    if item.status == KnowledgeItem.Status.PUBLISHED:
        return item
    before = _snapshot(item)
    item.status = KnowledgeItem.Status.PUBLISHED
    item.published_at = item.published_at or timezone.now()
    item.save(update_fields=["status", "published_at", "updated_at"])
    _write_revision(item=item, by=by, before=before, action=Revision.Action.PUBLISHED)
    emit_item_published(item)
    return item


@transaction.atomic
def item_unpublish(*, item: KnowledgeItem, by: User) -> KnowledgeItem:
    """Take an item back to draft; it keeps its first publication date."""
    reports_changed(item.community_id)  # counted again by the reports (after commit)
    item = KnowledgeItem.objects.select_for_update().get(pk=item.pk)
    _require_editor(user=by, item=item)
    if item.status == KnowledgeItem.Status.DRAFT:
        return item
    before = _snapshot(item)
    item.status = KnowledgeItem.Status.DRAFT
    item.save(update_fields=["status", "updated_at"])
    _write_revision(item=item, by=by, before=before, action=Revision.Action.EDITED)
    return item


def item_restore_revision(*, item: KnowledgeItem, revision: Revision, by: User) -> KnowledgeItem:
    """Bring back the content of revision (text, kind, visibility, themes...); authors and status stay as they are.

    Restoring is itself an edit: it writes a new revision, and restoring the same
    revision twice changes nothing the second time.
    """
    reports_changed(item.community_id)  # counted again by the reports (after commit)
    if revision.item_id != item.pk:
        raise ValidationError(_("This revision belongs to another item."))
    snap = revision.snapshot
    fields = {name: snap[name] for name in CONTENT_FIELDS if name in snap}
    group_id = fields.pop("group", None)
    fields["group"] = Group.objects.filter(pk=group_id, community=item.community).first() if group_id else None
    if fields.get("visibility") == KnowledgeItem.Visibility.GROUP and fields["group"] is None:
        # The group is gone: restore to the community rather than fail or widen to the public.
        fields["visibility"] = KnowledgeItem.Visibility.COMMUNITY
    organizations = Organization.objects.filter(pk__in=snap.get("organizations", []))
    return item_update(
        item=item,
        by=by,
        themes=snap.get("themes", []),
        organizations=list(organizations),
        _action=Revision.Action.RESTORED,
        _restored_from=revision.number,
        **fields,
    )
