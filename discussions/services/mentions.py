"""@mentions: finding the people a post names, storing them, and showing them.

The syntax works from any mail client: `@` followed by a person's name as shown on the portal
(`@Amina Ben Ali`), matched case-insensitively against the people who may write in the
thread's space (communities.permissions.space_writer_ids), the longest name first, so
`@Anna Maria Rossi` names her and not `Anna Maria`. An `@` inside a word (an email address)
names nobody. The Markdown source is kept as written; the rendered HTML shows each mention as
a link to the person's page in the community if they are listed in its directory, else in bold.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.urls import reverse

from communities import permissions
from knowledge.markup import render_markdown

from ..models import Post, Subscription, Thread

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~])")


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    user_id: int
    name: str
    listed: bool


def _candidates(thread: Thread) -> list[tuple[int, str, bool]]:
    """Return (id, name, listed) of the people who may be mentioned in thread, longest names first."""
    rows = (
        get_user_model()
        .objects.filter(is_active=True, pk__in=permissions.space_writer_ids(thread.community, thread.group))
        .exclude(full_name="")
        .values_list("pk", "full_name", "listed_in_directory")
    )
    return sorted(rows, key=lambda row: -len(row[1]))


def find_mentions(body: str, thread: Thread) -> list[Mention]:
    """Return the mentions in body, in order (no query when body has no `@`)."""
    if "@" not in body:
        return []
    candidates = [(pk, name, name.casefold(), listed) for pk, name, listed in _candidates(thread)]
    folded = body.casefold()
    found: list[Mention] = []
    position = 0
    while (at := body.find("@", position)) != -1:
        position = at + 1
        if at > 0 and (body[at - 1].isalnum() or body[at - 1] in "._-+"):
            continue  # part of an email address or a word
        for pk, name, key, listed in candidates:
            end = at + 1 + len(key)
            # casefold keeps the length of ordinary names; compare on the folded text
            if folded.startswith(key, at + 1) and (end >= len(body) or not body[end].isalnum()):
                found.append(Mention(at, end, pk, name, listed))
                position = end
                break
    return found


def render_with_mentions(body: str, mentions: list[Mention], community) -> str:
    """Return the sanitised HTML of body with each mention shown as a link or in bold."""
    if not mentions:
        return render_markdown(body)
    parts, cursor = [], 0
    for mention in mentions:
        parts.append(body[cursor : mention.start])
        label = _MARKDOWN_SPECIAL.sub(r"\\\1", f"@{mention.name}")
        if mention.listed:
            url = reverse("people:member", kwargs={"community_slug": community.slug, "user_id": mention.user_id})
            parts.append(f"[{label}]({url})")
        else:
            parts.append(f"**{label}**")
        cursor = mention.end
    parts.append(body[cursor:])
    return render_markdown("".join(parts))


def post_mentions_store(*, post: Post, thread: Thread) -> list[int]:
    """Store the people post mentions, render its HTML with them, make them follow thread; return their ids.

    Called inside the post's transaction, before it commits, so the notice task (which reads
    Post.mentions) sees them. A person who muted the thread stays muted. Idempotent.
    """
    mentions = find_mentions(post.body, thread)
    post.body_html = render_with_mentions(post.body, mentions, thread.community)
    Post.objects.filter(pk=post.pk).update(body_html=post.body_html)
    ids = sorted({mention.user_id for mention in mentions} - {post.author_id})
    if ids:
        post.mentions.add(*ids)
        existing = set(Subscription.objects.filter(thread=thread, user_id__in=ids).values_list("user_id", flat=True))
        Subscription.objects.bulk_create(
            [
                Subscription(user_id=pk, thread=thread, community=thread.community, level=Subscription.Level.FOLLOW)
                for pk in ids
                if pk not in existing
            ],
            ignore_conflicts=True,
        )
    return ids
