"""Meetings and registrations, knowledge items (authors, themes, organisations, search vector), follows."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils.text import slugify
from taggit.models import Tag, TaggedItem

from knowledge.markup import plain_text, render_markdown
from knowledge.models import Follow, ItemAuthor, KnowledgeItem
from knowledge.services import SEARCH_CONFIGS
from meetings.models import Meeting, Registration, ThemedMeeting

from . import words

VECTOR_BATCH = 5000


def _tags(s) -> dict[str, int]:
    if not s.tags:
        have = dict(Tag.objects.filter(name__in=words.THEMES).values_list("name", "pk"))
        missing = [name for name in words.THEMES if name not in have]
        Tag.objects.bulk_create([Tag(name=name, slug=slugify(name)) for name in missing], ignore_conflicts=True)
        s.tags = dict(Tag.objects.filter(name__in=words.THEMES).values_list("name", "pk"))
    return s.tags


def _title(s, index: int) -> str:
    rng = s.rng
    parts = [rng.choice(words.ADJECTIVES), rng.choice(words.COMMON_WORDS), rng.choice(words.COMMON_WORDS)]
    if index % words.RARE_EVERY == words.RARE_EVERY // 2:
        parts.append(rng.choice(words.RARE_WORDS))
    return " ".join(parts).capitalize() + f" {index}"


def seed_meetings(s) -> None:
    rng, tags = s.rng, _tags(s)
    kinds = [value for value, _label in Meeting.Kind.choices]
    formats = [value for value, _label in Meeting.Format.choices]
    ids = s.writer.reserve_ids(Meeting, s.size["meetings"])
    themed = []

    def meetings():
        for index, pk in enumerate(ids):
            community = s.pick_community(index)
            groups = s.groups[community.pk]
            group = rng.choice(groups) if groups and rng.random() < 0.4 else None
            start = s.when(1100, 365)
            end = start + timedelta(minutes=rng.choice((60, 90, 120, 180)))
            past = end < s.now
            roll = rng.random()
            if roll < 0.05:
                status = Meeting.Status.CANCELLED
            elif past and roll < 0.75:
                status = Meeting.Status.HELD
            else:
                status = Meeting.Status.SCHEDULED
            s.meetings.append((pk, community.pk, group.pk if group else None, start, end, status))
            for name in rng.sample(s.vocabulary[community.pk], rng.randint(1, 3)):
                themed.append({"tag_id": tags[name], "content_object_id": pk})
            yield {
                "id": pk,
                "community_id": community.pk,
                "group_id": group.pk if group else None,
                "kind": rng.choice(kinds),
                "format": rng.choice(formats),
                "title": _title(s, index),
                "description": " ".join(rng.sample(words.SENTENCES, 2)),
                "start": start,
                "end": end,
                "city": rng.choice(words.PLACES),
                "country": rng.choice(words.COUNTRIES),
                "audience": [],
                "capacity": rng.choice((None, None, 30, 80, 200)),
                "visibility": rng.choice((Meeting.Visibility.PUBLIC, Meeting.Visibility.MEMBERS)),
                "status": status,
                "uid": f"{uuid.UUID(int=rng.getrandbits(128), version=4)}@cop-portal",
                "cancelled_at": start - timedelta(days=3) if status == Meeting.Status.CANCELLED else None,
                "closed_at": end + timedelta(days=1) if status == Meeting.Status.HELD else None,
                "created_at": start - timedelta(days=30),
            }

    s.writer.insert(Meeting, meetings())
    s.writer.insert(ThemedMeeting, themed)
    _registrations(s)


def _registrations(s) -> None:
    rng = s.rng
    average = s.size["registrations"] / max(1, len(s.meetings))
    heavy = []
    for user in s.heavy.values():
        # Heavy users: registered for up to 300 meetings of their communities, past and upcoming.
        places = {community_id for community_id, people in s.members.items() if user.pk in people}
        theirs = [meeting for meeting in s.meetings if meeting[1] in places]
        heavy += [(meeting, user.pk) for meeting in rng.sample(theirs, min(len(theirs), 300))]
    taken = {(meeting[0], user_id) for meeting, user_id in heavy}

    def rows():
        for meeting, user_id in heavy:
            yield _registration(s, meeting, user_id)
        for meeting in s.meetings:
            people = s.members.get(meeting[1], [])
            count = min(len(people), int(rng.expovariate(1 / average)))
            for user_id in rng.sample(people, count):
                if (meeting[0], user_id) not in taken:
                    taken.add((meeting[0], user_id))
                    yield _registration(s, meeting, user_id)

    s.writer.insert(Registration, rows())


def _registration(s, meeting, user_id: int) -> dict:
    pk, _community_id, _group_id, start, end, status = meeting
    roll = s.rng.random()
    if end < s.now:
        state, attended = Registration.Status.REGISTERED, status == Meeting.Status.HELD and roll < 0.7
    else:
        state = Registration.Status.CANCELLED if roll < 0.1 else Registration.Status.REGISTERED
        attended = False
    created = start - timedelta(days=s.rng.randint(1, 40))
    return {
        "meeting_id": pk,
        "user_id": user_id,
        "status": state,
        "attended": attended,
        "status_changed_at": created,
        "created_at": created,
    }


def seed_knowledge(s) -> None:
    rng, tags = s.rng, _tags(s)
    item_type = ContentType.objects.get_for_model(KnowledgeItem)
    kinds = [value for value, _label in KnowledgeItem.Kind.choices]
    # A pool of bodies, each rendered and flattened once as the service does (Markdown to HTML, then text).
    bodies = []
    for _ in range(200):
        source = "\n\n".join(" ".join(rng.sample(words.SENTENCES, 3)) for _ in range(2))
        bodies.append((source, render_markdown(source), plain_text(source)))
    names = dict(_people_names(s))
    ids = s.writer.reserve_ids(KnowledgeItem, s.size["items"])
    authors, themed, organisations, extras = [], [], [], {}

    def items():
        for index, pk in enumerate(ids):
            community = s.pick_community(index)
            groups = s.groups[community.pk]
            people = s.members.get(community.pk) or s.people
            visibility = rng.choices(
                [KnowledgeItem.Visibility.PUBLIC, KnowledgeItem.Visibility.COMMUNITY, KnowledgeItem.Visibility.GROUP],
                weights=[50, 35, 15 if groups else 0],
            )[0]
            group = rng.choice(groups) if visibility == KnowledgeItem.Visibility.GROUP else None
            if group is None and groups and rng.random() < 0.2:
                group = rng.choice(groups)
            published = rng.random() < 0.9
            created = s.when(1800)
            title = _title(s, index)
            body, body_html, body_text = rng.choice(bodies)
            writers = rng.sample(people, min(len(people), rng.choice((1, 1, 2))))
            themes = rng.sample(s.vocabulary[community.pk], rng.randint(1, 3))
            extra = [*themes, *(names[w] for w in writers)]
            for order, user_id in enumerate(writers):
                authors.append({"item_id": pk, "user_id": user_id, "order": order})
            for name in themes:
                themed.append({"tag_id": tags[name], "content_type_id": item_type.pk, "object_id": pk})
            if rng.random() < 0.3:
                organisation = rng.choice(s.organisations)
                organisations.append({"knowledgeitem_id": pk, "organization_id": organisation})
            s.items.append((pk, community.pk))
            extras[pk] = (" ".join(extra), body_text)
            yield {
                "id": pk,
                "community_id": community.pk,
                "kind": rng.choice(kinds),
                "title": title,
                "slug": f"{slugify(title)[:200]}-{pk}",
                "summary": rng.choice(words.SENTENCES),
                "body": body,
                "body_html": body_html,
                "language": community.default_language,
                "group_id": group.pk if group else None,
                "visibility": visibility,
                "status": KnowledgeItem.Status.PUBLISHED if published else KnowledgeItem.Status.DRAFT,
                "links": [],
                "created_by_id": writers[0] if writers else None,
                "created_at": created,
                # Published a day after it was written, but never after the run's day began: an item
                # "published" tomorrow would show as new before its date.
                "published_at": min(created + timedelta(days=1), s.now) if published else None,
            }

    s.writer.insert(KnowledgeItem, items())
    s.writer.insert(ItemAuthor, authors)
    s.writer.insert(TaggedItem, themed)
    s.writer.insert(KnowledgeItem.organizations.through, organisations)
    _organisation_names(s, organisations, extras)
    _search_vectors(extras)


def _people_names(s):
    from members.models import User

    wanted = set(s.people) | {pk for people in s.members.values() for pk in people}
    for pk, full_name, email in User.objects.filter(pk__in=wanted).values_list("pk", "full_name", "email"):
        yield pk, full_name or email


def _organisation_names(s, organisations, extras) -> None:
    from members.models import Organization

    names = dict(
        Organization.objects.filter(pk__in={o["organization_id"] for o in organisations}).values_list("pk", "name")
    )
    for link in organisations:
        extra, body = extras[link["knowledgeitem_id"]]
        extras[link["knowledgeitem_id"]] = (f"{extra} {names[link['organization_id']]}", body)


def _search_vectors(extras: dict[int, tuple[str, str]]) -> None:
    """Store each item's search vector exactly as knowledge.services.search_vector_update computes it."""
    if connection.vendor != "postgresql":
        return  # SQLite searches with icontains
    cases = " ".join(f"WHEN '{code}' THEN '{config}'" for code, config in SEARCH_CONFIGS.items())
    config = f"(CASE k.language {cases} ELSE 'simple' END)::regconfig"
    # Only constants are formatted in (the configurations); the values go as parameters.
    sql = f"""
        UPDATE knowledge_knowledgeitem AS k SET search_vector =
            setweight(to_tsvector({config}, COALESCE(k.title, '')), 'A')
            || setweight(to_tsvector({config}, COALESCE(k.summary, '')), 'B')
            || setweight(to_tsvector({config}, COALESCE(x.extra, '')), 'B')
            || setweight(to_tsvector({config}, COALESCE(x.body, '')), 'C')
        FROM unnest(%s::bigint[], %s::text[], %s::text[]) AS x(id, extra, body)
        WHERE k.id = x.id
    """  # noqa: S608
    keys = list(extras)
    with connection.cursor() as cursor:
        for start in range(0, len(keys), VECTOR_BATCH):
            batch = keys[start : start + VECTOR_BATCH]
            cursor.execute(sql, [batch, [extras[k][0] for k in batch], [extras[k][1] for k in batch]])


def seed_follows(s) -> None:
    rng, tags = s.rng, _tags(s)
    wanted = set()
    all_groups = [group for groups in s.groups.values() for group in groups]
    for _ in range(s.size["follows"]):
        user_id = rng.choice(s.people)
        roll = rng.random()
        if roll < 0.6 and s.items:
            wanted.add((user_id, "item", rng.choice(s.items)[0]))
        elif roll < 0.85 and all_groups:
            wanted.add((user_id, "group", rng.choice(all_groups).pk))
        else:
            wanted.add((user_id, "theme", tags[rng.choice(words.THEMES)]))
    for user in s.heavy.values():
        places = {community_id for community_id, people in s.members.items() if user.pk in people}
        items = [pk for pk, community_id in s.items if community_id in places]
        for pk in rng.sample(items, min(len(items), 100)):
            wanted.add((user.pk, "item", pk))
        groups = [g.pk for g in all_groups if g.community_id in places]
        for pk in rng.sample(groups, min(len(groups), 20)):
            wanted.add((user.pk, "group", pk))
        for name in rng.sample(words.THEMES, 10):
            wanted.add((user.pk, "theme", tags[name]))
    existing = set()
    for user_id, item, group, theme in Follow.objects.filter(user__in=[u.pk for u in s.heavy.values()]).values_list(
        "user_id", "item_id", "group_id", "theme_id"
    ):
        kind, pk = ("item", item) if item else ("group", group) if group else ("theme", theme)
        existing.add((user_id, kind, pk))
    s.writer.insert(
        Follow,
        (
            {"user_id": user_id, f"{kind}_id": pk, "created_at": s.when(700)}
            for user_id, kind, pk in sorted(wanted - existing)
        ),
    )
