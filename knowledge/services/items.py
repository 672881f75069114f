"""Every write to knowledge goes through these functions (keyword-only, typed, idempotent).

Bad input raises ValidationError with a translatable message and changes nothing;
a forbidden action raises PermissionDenied. Notifications are enqueued on commit.
"""

from __future__ import annotations

import contextlib
import contextvars
import difflib
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.contrib.postgres.search import SearchVector
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.validators import URLValidator
from django.db import connection, transaction
from django.db.models import Max, TextField, Value
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from taggit.models import Tag

from communities import permissions
from communities.models import Community, Group, Membership
from members import outbox
from members.models import Organization, User
from members.notifications import absolute_url

from .. import tasks
from ..files import check_upload, make_thumbnail
from ..markup import plain_text, render_markdown
from ..models import (
    Answer,
    Collection,
    CollectionEntry,
    Comment,
    Follow,
    ItemAuthor,
    ItemFile,
    KnowledgeItem,
    Licence,
    Review,
    ReviewRound,
    Revision,
)
from ..notifications import send_once
from ..selectors import (
    can_accept_answer,
    can_curate,
    can_edit_item,
    can_see_item,
    is_active_member,
    is_coordinator,
    is_item_author,
)

CHANGE_PERM = "knowledge.change_knowledgeitem"
SEARCH_CONFIGS = {"it": "italian", "en": "english", "ar": "simple"}
# A second identical comment or answer within this window is taken for a double submit.
DOUBLE_SUBMIT_WINDOW = timedelta(minutes=2)
CONTENT_FIELDS = ["kind", "title", "summary", "body", "language", "visibility", "group", "licence", "links"]
RESTORABLE = [*CONTENT_FIELDS, "themes", "organizations"]


@dataclass(frozen=True)
class AuthorSpec:
    """One author in order: a member (user), or an external person (name and affiliation)."""

    user: User | None = None
    name: str = ""
    affiliation: str = ""


# ----------------------------------------------------------------------------- helpers


_muted = contextvars.ContextVar("knowledge_notifications_muted", default=False)


@contextlib.contextmanager
def notifications_muted():
    """Write without enqueueing notifications (demo data: nobody should get mail about a seed)."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def _enqueue(task, *args) -> None:
    """Write the task's outbox row in this transaction (members.outbox), unless notifications are muted."""
    if _muted.get():
        return
    outbox.enqueue(task, *args)


def _clean_text(value: str | None, *, limit: int | None = None) -> str:
    value = (value or "").replace("\x00", "").strip()
    return value[:limit] if limit else value


def _require_member(*, user, community: Community, message: str | None = None) -> None:
    if permissions.is_active_member(user, community):
        return
    raise PermissionDenied(message or _("Only members of the community can do this."))


def _require_editor(*, user, item: KnowledgeItem) -> None:
    if not can_edit_item(user=user, item=item):
        raise PermissionDenied(_("You cannot edit this item."))


def _unique_slug(model, *, community: Community, title: str, exclude_pk: int | None = None) -> str:
    base = slugify(title, allow_unicode=True)[:200].strip("-") or "item"
    taken = set(
        model.objects.filter(community=community, slug__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    slug, n = base, 2
    while slug in taken:
        slug = f"{base}-{n}"
        n += 1
    return slug


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


def _clean_item_fields(*, community: Community, fields: dict) -> dict:
    errors = {}
    if "title" in fields:
        fields["title"] = _clean_text(fields["title"], limit=200)
        if not fields["title"]:
            errors["title"] = _("Give the item a title.")
    for name, limit in (("summary", 1000), ("body", 200_000)):
        if name in fields:
            fields[name] = _clean_text(fields[name], limit=limit)
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
) -> KnowledgeItem:
    """Create an item as a draft (or published) with its authors in order; write revision 1."""
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
    authors = _clean_authors(community=community, authors=authors if authors is not None else [AuthorSpec(user=by)])
    recent = KnowledgeItem.objects.filter(
        community=community,
        created_by=by,
        title=fields["title"],
        body=fields["body"],
        created_at__gte=timezone.now() - DOUBLE_SUBMIT_WINDOW,
    ).first()
    if recent is not None:
        return recent  # the same form sent twice
    item = KnowledgeItem(community=community, created_by=by)
    _apply_fields(item, fields)
    item.slug = _unique_slug(KnowledgeItem, community=community, title=item.title)
    if publish:
        item.status = KnowledgeItem.Status.PUBLISHED
        item.published_at = timezone.now()
    item.save()
    _set_authors(item=item, authors=authors)
    item.themes.set(_clean_themes(themes))
    item.organizations.set(list(organizations))
    search_vector_update(item=item)
    _write_revision(item=item, by=by, before=None, action=Revision.Action.CREATED)
    return item


def _clean_themes(themes: Iterable[str]) -> list[str]:
    result = []
    for theme in themes or []:
        theme = _clean_text(str(theme), limit=100)
        if theme and theme.lower() not in {t.lower() for t in result}:
            result.append(theme)
    return result


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
    item = KnowledgeItem.objects.select_for_update().get(pk=item.pk)
    _require_editor(user=by, item=item)
    unknown = set(fields) - set(CONTENT_FIELDS) - {"meeting"}
    if unknown:
        raise TypeError(f"item_update() got unexpected fields: {sorted(unknown)}")
    fields = _clean_item_fields(community=item.community, fields=dict(fields))
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
    if themes is not None:
        cleaned = _clean_themes(themes)
        if sorted(cleaned) != before["themes"]:
            item.themes.set(cleaned)
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
    item = KnowledgeItem.objects.select_for_update().get(pk=item.pk)
    _require_editor(user=by, item=item)
    if item.status == KnowledgeItem.Status.PUBLISHED:
        return item
    before = _snapshot(item)
    item.status = KnowledgeItem.Status.PUBLISHED
    item.published_at = item.published_at or timezone.now()
    item.save(update_fields=["status", "published_at", "updated_at"])
    _write_revision(item=item, by=by, before=before, action=Revision.Action.PUBLISHED)
    return item


@transaction.atomic
def item_unpublish(*, item: KnowledgeItem, by: User) -> KnowledgeItem:
    """Take an item back to draft; it keeps its first publication date."""
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


# ----------------------------------------------------------------------------- files


def file_attach(*, item: KnowledgeItem, by: User, upload, filename: str | None = None) -> ItemFile:
    """Check upload by size, name and content, then store it under a generated name.

    Anything wrong raises ValidationError before a byte is written. Attaching the same
    file (same name and content) twice returns the first one.
    """
    _require_editor(user=by, item=item)
    checked = check_upload(upload, filename=filename)
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    sha256 = digest.hexdigest()
    existing = ItemFile.objects.filter(item=item, sha256=sha256, original_name=checked.name).first()
    if existing is not None:
        return existing
    thumbnail = make_thumbnail(upload) if checked.content_type.startswith("image/") else None
    attached = ItemFile(
        item=item,
        original_name=checked.name,
        content_type=checked.content_type,
        extension=checked.extension,
        size=checked.size,
        sha256=sha256,
        uploaded_by=by,
    )
    upload.seek(0)
    attached.file.save("upload", upload, save=False)
    try:
        if thumbnail:
            attached.thumbnail.save("thumbnail.png", ContentFile(thumbnail), save=False)
        with transaction.atomic():
            attached.save()
    except Exception:
        _delete_stored(attached)
        raise
    return attached


def _delete_stored(attached: ItemFile) -> None:
    for field in (attached.file, attached.thumbnail):
        if field and field.name:
            field.storage.delete(field.name)


def file_remove(*, attached: ItemFile, by: User) -> None:
    _require_editor(user=by, item=attached.item)
    names = [(f.storage, f.name) for f in (attached.file, attached.thumbnail) if f and f.name]
    attached.delete()
    transaction.on_commit(lambda: [storage.delete(name) for storage, name in names])


# ----------------------------------------------------------------------------- conversation


@transaction.atomic
def comment_create(*, by: User, body: str, item: KnowledgeItem | None = None, meeting=None) -> Comment:
    """Add a comment by a member to an item or a meeting they can see; a double submit adds nothing."""
    if (item is None) == (meeting is None):
        raise TypeError("comment_create() needs exactly one of item or meeting.")
    body = _clean_text(body, limit=5000)
    if not body:
        raise ValidationError({"body": _("Write a comment first.")})
    target = {"item": item} if item is not None else {"meeting": meeting}
    community = item.community if item is not None else meeting.community
    _require_member(user=by, community=community, message=_("Only members of the community can comment."))
    if item is not None and not can_see_item(user=by, item=item):
        raise PermissionDenied(_("You cannot see this item."))
    if meeting is not None:
        from meetings.models import Meeting

        if not Meeting.objects.visible_to(by).filter(pk=meeting.pk).exists():
            raise PermissionDenied(_("You cannot see this meeting."))
    recent = Comment.objects.filter(
        author=by, body=body, created_at__gte=timezone.now() - DOUBLE_SUBMIT_WINDOW, **target
    ).first()
    if recent is not None:
        return recent
    comment = Comment.objects.create(community=community, author=by, body=body, **target)
    if item is not None:
        _enqueue(tasks.notify_comment_created, comment.pk)
    return comment


@transaction.atomic
def answer_create(*, item: KnowledgeItem, by: User, body: str) -> Answer:
    """Answer a published question; a double submit adds nothing."""
    if not item.is_question:
        raise ValidationError(_("Only questions take answers; leave a comment instead."))
    if not item.is_published:
        raise ValidationError(_("This question is not published yet."))
    body = _clean_text(body, limit=20000)
    if not body:
        raise ValidationError({"body": _("Write an answer first.")})
    _require_member(user=by, community=item.community, message=_("Only members of the community can answer."))
    if not can_see_item(user=by, item=item):
        raise PermissionDenied(_("You cannot see this item."))
    recent = Answer.objects.filter(
        item=item, author=by, body=body, created_at__gte=timezone.now() - DOUBLE_SUBMIT_WINDOW
    ).first()
    if recent is not None:
        return recent
    answer = Answer.objects.create(item=item, author=by, body=body, body_html=render_markdown(body))
    _enqueue(tasks.notify_answer_created, answer.pk)
    return answer


@transaction.atomic
def answer_accept(*, answer: Answer, by: User) -> Answer:
    """Mark answer as the accepted one (the asker, a facilitator or a coordinator); the previous one loses it."""
    item = KnowledgeItem.objects.select_for_update().get(pk=answer.item_id)
    if not can_accept_answer(user=by, item=item):
        raise PermissionDenied(_("Only the person who asked or a facilitator can accept an answer."))
    answer = Answer.objects.get(pk=answer.pk)
    if answer.is_accepted:
        return answer
    Answer.objects.filter(item=item, is_accepted=True).update(is_accepted=False, accepted_by=None, accepted_at=None)
    answer.is_accepted = True
    answer.accepted_by = by
    answer.accepted_at = timezone.now()
    answer.save(update_fields=["is_accepted", "accepted_by", "accepted_at"])
    _enqueue(tasks.notify_answer_accepted, answer.pk)
    return answer


# ----------------------------------------------------------------------------- following


def _follow_target(*, user, item, group, theme) -> dict:
    targets = {"item": item, "group": group, "theme": theme}
    if sum(value is not None for value in targets.values()) != 1:
        raise TypeError("Follow exactly one of item, group or theme.")
    if item is not None and not can_see_item(user=user, item=item):
        raise PermissionDenied(_("You cannot see this item."))
    if group is not None and not Group.objects.visible_to(user).filter(pk=group.pk).exists():
        raise PermissionDenied(_("You cannot see this group."))
    return targets


def follow(*, user: User, item: KnowledgeItem | None = None, group: Group | None = None, theme: Tag | None = None):
    """Follow an item, a group or a theme; following twice is one follow."""
    if not user.is_authenticated:
        raise PermissionDenied(_("Sign in to follow."))
    targets = _follow_target(user=user, item=item, group=group, theme=theme)
    follow_row, _created = Follow.objects.get_or_create(user=user, **targets)
    return follow_row


def unfollow(
    *, user: User, item: KnowledgeItem | None = None, group: Group | None = None, theme: Tag | None = None
) -> bool:
    """Stop following; return whether something was followed."""
    if not user.is_authenticated:
        return False
    targets = {"item": item, "group": group, "theme": theme}
    deleted, _detail = Follow.objects.filter(user=user, **targets).delete()
    return bool(deleted)


# ----------------------------------------------------------------------------- collections


def _require_collection_editor(*, user, collection: Collection) -> None:
    if not Collection.objects.editable_by(user).filter(pk=collection.pk).exists():
        raise PermissionDenied(_("Only the editor or a coordinator can change this collection."))


def _clean_collection(*, community: Community, title: str, introduction: str, visibility: str, editor) -> dict:
    errors = {}
    title = _clean_text(title, limit=200)
    if not title:
        errors["title"] = _("Give the collection a title.")
    if visibility not in Collection.Visibility.values:
        errors["visibility"] = _("Choose who can see the collection.")
    if editor is not None and not is_active_member(user=editor, community=community):
        errors["editor"] = _("The editor must be a member of the community.")
    if errors:
        raise ValidationError(errors)
    introduction = _clean_text(introduction, limit=50_000)
    return {
        "title": title,
        "introduction": introduction,
        "introduction_html": render_markdown(introduction),
        "visibility": visibility,
    }


@transaction.atomic
def collection_create(
    *,
    community: Community,
    by: User,
    title: str,
    introduction: str = "",
    visibility: str = Collection.Visibility.COMMUNITY,
    editor: User | None = None,
) -> Collection:
    """Start a collection (coordinators and facilitators); its editor is by unless another member is named."""
    if not can_curate(user=by, community=community):
        raise PermissionDenied(_("Only coordinators and facilitators can start a collection."))
    editor = editor or by
    values = _clean_collection(
        community=community, title=title, introduction=introduction, visibility=visibility, editor=editor
    )
    recent = Collection.objects.filter(
        community=community, title=values["title"], created_at__gte=timezone.now() - DOUBLE_SUBMIT_WINDOW
    ).first()
    if recent is not None:
        return recent
    return Collection.objects.create(
        community=community,
        editor=editor,
        slug=_unique_slug(Collection, community=community, title=values["title"]),
        **values,
    )


@transaction.atomic
def collection_update(
    *, collection: Collection, by: User, title: str, introduction: str, visibility: str, editor: User | None = None
) -> Collection:
    _require_collection_editor(user=by, collection=collection)
    values = _clean_collection(
        community=collection.community,
        title=title,
        introduction=introduction,
        visibility=visibility,
        editor=editor or collection.editor,
    )
    if values["title"] != collection.title:
        collection.slug = _unique_slug(
            Collection, community=collection.community, title=values["title"], exclude_pk=collection.pk
        )
    for name, value in values.items():
        setattr(collection, name, value)
    collection.editor = editor or collection.editor
    collection.save()
    return collection


@transaction.atomic
def collection_delete(*, collection: Collection, by: User) -> None:
    _require_collection_editor(user=by, collection=collection)
    collection.delete()


def _renumber(collection: Collection, ordered_ids: list[int]) -> None:
    entries = {e.item_id: e for e in CollectionEntry.objects.filter(collection=collection)}
    changed = []
    for n, item_id in enumerate(ordered_ids, start=1):
        entry = entries.get(item_id)
        if entry is not None and entry.order != n:
            entry.order = n
            changed.append(entry)
    CollectionEntry.objects.bulk_update(changed, ["order"])


def _ordered_item_ids(collection: Collection) -> list[int]:
    return list(
        CollectionEntry.objects.filter(collection=collection).order_by("order", "pk").values_list("item_id", flat=True)
    )


@transaction.atomic
def collection_add_item(*, collection: Collection, item: KnowledgeItem, by: User) -> CollectionEntry:
    """Add item at the end of collection; adding it again changes nothing."""
    _require_collection_editor(user=by, collection=collection)
    if item.community_id != collection.community_id or not can_see_item(user=by, item=item):
        raise ValidationError(_("Only items of this community that you can see can be added."))
    Collection.objects.select_for_update().filter(pk=collection.pk).first()
    existing = CollectionEntry.objects.filter(collection=collection, item=item).first()
    if existing is not None:
        return existing
    last = CollectionEntry.objects.filter(collection=collection).aggregate(n=Max("order"))["n"] or 0
    return CollectionEntry.objects.create(collection=collection, item=item, order=last + 1)


@transaction.atomic
def collection_remove_item(*, collection: Collection, item: KnowledgeItem, by: User) -> None:
    _require_collection_editor(user=by, collection=collection)
    CollectionEntry.objects.filter(collection=collection, item=item).delete()
    _renumber(collection, _ordered_item_ids(collection))


@transaction.atomic
def collection_move_item(*, collection: Collection, item: KnowledgeItem, by: User, direction: str) -> None:
    """Move item one place up or down (the no-JavaScript way of ordering)."""
    _require_collection_editor(user=by, collection=collection)
    Collection.objects.select_for_update().filter(pk=collection.pk).first()
    ids = _ordered_item_ids(collection)
    if item.pk not in ids or direction not in {"up", "down"}:
        raise ValidationError(_("This item is not in the collection."))
    i = ids.index(item.pk)
    j = i - 1 if direction == "up" else i + 1
    if 0 <= j < len(ids):
        ids[i], ids[j] = ids[j], ids[i]
    _renumber(collection, ids)


@transaction.atomic
def collection_set_order(*, collection: Collection, by: User, item_ids: Sequence[int]) -> None:
    """Put the collection's items in the given order; items left out keep their relative order at the end."""
    _require_collection_editor(user=by, collection=collection)
    Collection.objects.select_for_update().filter(pk=collection.pk).first()
    current = _ordered_item_ids(collection)
    wanted = [pk for pk in dict.fromkeys(int(pk) for pk in item_ids) if pk in current]
    _renumber(collection, wanted + [pk for pk in current if pk not in wanted])


# ----------------------------------------------------------------------------- peer review


def _member_authors(item: KnowledgeItem) -> set[int]:
    ids = set(ItemAuthor.objects.filter(item=item, user__isnull=False).values_list("user_id", flat=True))
    if item.created_by_id:
        ids.add(item.created_by_id)
    return ids


@transaction.atomic
def review_round_request(
    *,
    item: KnowledgeItem,
    by: User,
    due_date: date,
    reviewers: Iterable[User] = (),
    organizations: Iterable[Organization] = (),
    message: str = "",
) -> ReviewRound:
    """Ask chosen members, or all members of chosen organisations, to review item by due_date."""
    item = KnowledgeItem.objects.select_for_update().get(pk=item.pk)
    if not is_item_author(user=by, item=item) and not is_coordinator(user=by, community=item.community):
        raise PermissionDenied(_("Only the authors can ask for a review."))
    errors = {}
    if due_date is None or due_date < timezone.localdate():
        errors["due_date"] = _("Choose a due date from today on.")
    organizations = list(organizations)
    chosen = {u.pk for u in reviewers}
    members = Membership.objects.active().community_level().filter(community=item.community)
    from_orgs = set(members.filter(user__organization__in=organizations).values_list("user_id", flat=True))
    not_members = chosen - set(members.filter(user__in=chosen).values_list("user_id", flat=True))
    if not_members:
        errors["reviewers"] = _("Reviewers must be members of the community.")
    reviewer_ids = (chosen | from_orgs) - _member_authors(item)
    if not reviewer_ids and "reviewers" not in errors:
        errors["reviewers"] = _("Choose at least one reviewer who is not an author.")
    if ReviewRound.objects.filter(item=item, state=ReviewRound.State.OPEN).exists():
        errors["__all__"] = _("This item already has an open review round.")
    if errors:
        raise ValidationError(errors)
    review_round = ReviewRound.objects.create(
        item=item, requested_by=by, due_date=due_date, message=_clean_text(message, limit=5000)
    )
    review_round.reviewers.set(User.objects.filter(pk__in=reviewer_ids, is_active=True))
    review_round.organizations.set(organizations)
    _enqueue(tasks.notify_review_requested, review_round.pk)
    return review_round


def _complete(review_round: ReviewRound) -> None:
    review_round.state = ReviewRound.State.COMPLETED
    review_round.completed_at = timezone.now()
    review_round.save(update_fields=["state", "completed_at", "updated_at"])
    _enqueue(tasks.notify_review_completed, review_round.pk)


@transaction.atomic
def review_submit(
    *,
    review_round: ReviewRound,
    by: User,
    strengths: str,
    weaknesses: str,
    recommendations: str,
    opinion: str,
) -> Review:
    """Save by's review (one per reviewer per round, editable while the round is open).

    When every reviewer has answered, the round completes and the authors are told.
    """
    review_round = ReviewRound.objects.select_for_update().get(pk=review_round.pk)
    if not review_round.reviewers.filter(pk=by.pk).exists() or not permissions.is_active_member(
        by, review_round.item.community
    ):
        raise PermissionDenied(_("You are not a reviewer in this round."))
    if not review_round.is_open:
        raise ValidationError(_("This review round is closed."))
    values = {
        "strengths": _clean_text(strengths, limit=10000),
        "weaknesses": _clean_text(weaknesses, limit=10000),
        "recommendations": _clean_text(recommendations, limit=10000),
        "opinion": opinion,
    }
    errors = {name: _("This field is required.") for name, value in values.items() if not value}
    if opinion and opinion not in Review.Opinion.values:
        errors["opinion"] = _("Choose an overall opinion.")
    if errors:
        raise ValidationError(errors)
    review, _created = Review.objects.update_or_create(round=review_round, reviewer=by, defaults=values)
    if review_round.reviews.count() >= review_round.reviewers.count():
        _complete(review_round)
    return review


@transaction.atomic
def review_respond(*, review_round: ReviewRound, by: User, response: str) -> ReviewRound:
    """Record the authors' response to the reviews (after at least one review)."""
    review_round = ReviewRound.objects.select_for_update().get(pk=review_round.pk)
    if not is_item_author(user=by, item=review_round.item):
        raise PermissionDenied(_("Only the authors can respond to the reviews."))
    if review_round.state == ReviewRound.State.CANCELLED:
        raise ValidationError(_("This review round was cancelled."))
    if not review_round.reviews.exists():
        raise ValidationError(_("There is no review to respond to yet."))
    response = _clean_text(response, limit=20000)
    if not response:
        raise ValidationError({"response": _("Write a response first.")})
    if response != review_round.author_response:
        review_round.author_response = response
        review_round.responded_by = by
        review_round.responded_at = timezone.now()
        review_round.save(update_fields=["author_response", "responded_by", "responded_at", "updated_at"])
    return review_round


def _require_round_manager(*, user, review_round: ReviewRound) -> None:
    item = review_round.item
    if not (is_item_author(user=user, item=item) or is_coordinator(user=user, community=item.community)):
        raise PermissionDenied(_("Only the authors or a coordinator can close this review round."))


@transaction.atomic
def review_round_complete(*, review_round: ReviewRound, by: User) -> ReviewRound:
    """Close an open round with the reviews received so far (at least one)."""
    review_round = ReviewRound.objects.select_for_update().get(pk=review_round.pk)
    _require_round_manager(user=by, review_round=review_round)
    if review_round.state == ReviewRound.State.COMPLETED:
        return review_round
    if review_round.state == ReviewRound.State.CANCELLED:
        raise ValidationError(_("This review round was cancelled."))
    if not review_round.reviews.exists():
        raise ValidationError(_("A round completes with at least one review; cancel it instead."))
    _complete(review_round)
    return review_round


@transaction.atomic
def review_round_cancel(*, review_round: ReviewRound, by: User) -> ReviewRound:
    review_round = ReviewRound.objects.select_for_update().get(pk=review_round.pk)
    _require_round_manager(user=by, review_round=review_round)
    if review_round.state != ReviewRound.State.OPEN:
        return review_round
    review_round.state = ReviewRound.State.CANCELLED
    review_round.save(update_fields=["state", "updated_at"])
    return review_round


# ----------------------------------------------------------------------------- notices (called by tasks)


def _item_recipients(item: KnowledgeItem, *, exclude: int | None) -> list[User]:
    ids = _member_authors(item) - ({exclude} if exclude else set())
    return list(User.objects.filter(pk__in=ids, is_active=True))


def notice_comment_created(*, comment_id: int) -> int:
    """Tell the item's authors about a new comment; return how many were told."""
    comment = Comment.objects.select_related("item", "item__community", "author").filter(pk=comment_id).first()
    if comment is None or comment.item is None:
        return 0
    sent = 0
    for user in _item_recipients(comment.item, exclude=comment.author_id):
        if not can_see_item(user=user, item=comment.item):
            continue
        sent += send_once(
            key=f"knowledge:comment:{comment.pk}:{user.pk}",
            user=user,
            template_prefix="knowledge/emails/comment_created",
            context={"comment": comment, "item": comment.item, "url": absolute_url(comment.item.get_absolute_url())},
        )
    return sent


def notice_answer_created(*, answer_id: int) -> int:
    answer = (
        Answer.objects.select_related("item", "item__community", "item__created_by", "author")
        .filter(pk=answer_id)
        .first()
    )
    if answer is None or answer.item.created_by is None or answer.item.created_by_id == answer.author_id:
        return 0
    asker = answer.item.created_by
    return int(
        send_once(
            key=f"knowledge:answer:{answer.pk}:{asker.pk}",
            user=asker,
            template_prefix="knowledge/emails/answer_created",
            context={"answer": answer, "item": answer.item, "url": absolute_url(answer.item.get_absolute_url())},
        )
    )


def notice_answer_accepted(*, answer_id: int) -> int:
    answer = (
        Answer.objects.select_related("item", "item__community", "author", "accepted_by")
        .filter(pk=answer_id, is_accepted=True)
        .first()
    )
    if answer is None or answer.accepted_by_id == answer.author_id:
        return 0
    return int(
        send_once(
            key=f"knowledge:accepted:{answer.pk}:{answer.author_id}",
            user=answer.author,
            template_prefix="knowledge/emails/answer_accepted",
            context={"answer": answer, "item": answer.item, "url": absolute_url(answer.item.get_absolute_url())},
        )
    )


def notice_review_requested(*, round_id: int) -> int:
    review_round = (
        ReviewRound.objects.select_related("item", "item__community", "requested_by")
        .filter(pk=round_id, state=ReviewRound.State.OPEN)
        .first()
    )
    if review_round is None:
        return 0
    sent = 0
    for user in review_round.reviewers.filter(is_active=True):
        sent += send_once(
            key=f"knowledge:review-requested:{review_round.pk}:{user.pk}",
            user=user,
            template_prefix="knowledge/emails/review_requested",
            context={
                "round": review_round,
                "item": review_round.item,
                "url": absolute_url(review_round.get_absolute_url()),
            },
        )
    return sent


def notice_review_completed(*, round_id: int) -> int:
    review_round = (
        ReviewRound.objects.select_related("item", "item__community")
        .filter(pk=round_id, state=ReviewRound.State.COMPLETED)
        .first()
    )
    if review_round is None:
        return 0
    sent = 0
    for user in _item_recipients(review_round.item, exclude=None):
        sent += send_once(
            key=f"knowledge:review-completed:{review_round.pk}:{user.pk}",
            user=user,
            template_prefix="knowledge/emails/review_completed",
            context={
                "round": review_round,
                "item": review_round.item,
                "review_count": review_round.reviews.count(),
                "url": absolute_url(review_round.get_absolute_url()),
            },
        )
    return sent


# --- When a membership ends ---------------------------------------------------------------------


def knowledge_membership_ended(*, user, community: Community, actor=None) -> list[str]:
    """End what user's membership of community gave them in knowledge; return what was ended.

    Registered as a communities hook (membership_ended). The person leaves the open review
    rounds on the community's items (completed rounds and submitted reviews stay as the
    record), loses their co-author edit grants (their authorship credit stays) and stops
    editing the community's collections.
    """
    from django.utils.translation import ngettext

    ended: list[str] = []
    rounds = list(ReviewRound.objects.filter(item__community=community, reviewers=user, state=ReviewRound.State.OPEN))
    for review_round in rounds:
        review_round.reviewers.remove(user)
    if rounds:
        ended.append(
            ngettext("Taken off %(count)d open review round.", "Taken off %(count)d open review rounds.", len(rounds))
            % {"count": len(rounds)}
        )
    grants = permissions.revoke_all_in(user=user, perm=CHANGE_PERM, model=KnowledgeItem, community=community)
    if grants:
        ended.append(
            ngettext(
                "Co-author edit rights on %(count)d item revoked.",
                "Co-author edit rights on %(count)d items revoked.",
                grants,
            )
            % {"count": grants}
        )
    collections = Collection.objects.filter(community=community, editor=user).update(editor=None)
    if collections:
        ended.append(
            ngettext(
                "No longer editor of %(count)d collection.", "No longer editor of %(count)d collections.", collections
            )
            % {"count": collections}
        )
    return ended
