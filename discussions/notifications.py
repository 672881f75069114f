"""Who gets which discussion email, in their language (transport and ledger: members.notifications).

A new post goes, once each, to
- the people in "every post" mode for the community who follow the thread, its group or the
  community (the most specific Subscription decides: a muted thread or group stays quiet), and
- the people it mentions, unless their mode is off or they muted the thread;
never to its author, and only to people who may read the thread now (communities.permissions).
Each email carries the post, a link, the thread's title, threading headers (Message-ID,
In-Reply-To, References, List-Id) and the recipient's own signed Reply-To address.
"""

from __future__ import annotations

import hashlib

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from communities import permissions
from members.notifications import absolute_url, send_templated_email

from .mail.addresses import incoming_address, message_id_of, reply_address, reply_domain
from .models import DeliveryMode, DiscussionPreference, InboundMessage, Post, Subscription, Thread
from .services.following import FOLLOW, MUTE, _space_filter

# Why an inbound email was not posted, as its sender is told (the code is InboundMessage.reason).
REFUSAL_REASONS = {
    "unknown_address": _(
        "This address takes no messages. Reply to a discussion email, or write to the incoming address "
        "shown on the email settings page of your community."
    ),
    "forged_token": _(
        "This reply address is not valid (it may be damaged or too old). Reply to the latest email of the "
        "discussion, or write on the portal."
    ),
    "wrong_sender": _(
        "This reply address belongs to someone else: replies must come from the address the discussion email "
        "was sent to."
    ),
    "not_a_member": _("Only members of this community or group can write here, so your message was not posted."),
    "thread_gone": _("This discussion is no longer there, so your reply was not posted."),
    "closed": _("This discussion is closed: it takes no more replies."),
    "oversized": _("Your message is too large to be posted. Send the text alone, without attachments."),
    "empty": _(
        "Your message has no text of its own once quoted text and signatures are left out (and a new discussion "
        "needs a subject)."
    ),
}
GENERIC_REFUSAL = _("Your message could not be posted. Write on the portal instead.")


def _recipient_ids(post: Post, thread: Thread) -> list[int]:
    """Return the ids of the people who get post by email now (see the module's rules)."""
    community = thread.community
    every_post = set(
        DiscussionPreference.objects.filter(community=community, mode=DeliveryMode.EVERY_POST).values_list(
            "user_id", flat=True
        )
    )
    mentioned = set(post.mentions.values_list("pk", flat=True))
    candidates = every_post | mentioned
    levels: dict[int, dict[str, str]] = {}
    rows = Subscription.objects.filter(community=community, user_id__in=candidates).filter(
        _space_filter(thread_id=thread.pk, group_id=thread.group_id)
    )
    for row in rows.values("user_id", "thread_id", "group_id", "level"):
        where = "thread" if row["thread_id"] else "group" if row["group_id"] else "community"
        levels.setdefault(row["user_id"], {})[where] = row["level"]
    off = set(
        DiscussionPreference.objects.filter(
            community=community, mode=DeliveryMode.OFF, user_id__in=mentioned
        ).values_list("user_id", flat=True)
    )
    chosen = set()
    for user_id in every_post:
        own = levels.get(user_id, {})
        if (own.get("thread") or own.get("group") or own.get("community")) == FOLLOW:
            chosen.add(user_id)
    for user_id in mentioned - off:
        if levels.get(user_id, {}).get("thread") != MUTE:
            chosen.add(user_id)
    chosen.discard(post.author_id)
    return sorted(permissions.readers_among(chosen, community)) if chosen else []


def _headers(*, post: Post, thread: Thread, user) -> dict[str, str]:
    headers = {
        "Reply-To": reply_address(user_id=user.pk, thread_id=thread.pk),
        "Message-ID": message_id_of(post=post),
        "List-Id": f"<{thread.community.slug}.discussions.{reply_domain()}>",
        "List-Post": f"<mailto:{incoming_address(community=thread.community, group=thread.group)}>",
    }
    if not post.is_opening:
        root = message_id_of(thread=thread)
        headers["In-Reply-To"] = root
        headers["References"] = root
    return headers


def post_send(*, post_id: int) -> int:
    """Send a new post to its recipients once each; return how many were sent now (0 on a second run)."""
    post = (
        Post.objects.filter(pk=post_id, deleted_at__isnull=True, hidden_at__isnull=True)
        .select_related("thread__community", "thread__group", "author")
        .first()
    )
    if post is None:
        return 0  # deleted or hidden since: nothing to say
    thread = post.thread
    recipient_ids = _recipient_ids(post, thread)
    if not recipient_ids:
        return 0
    from members.models import User

    people = User.objects.filter(pk__in=recipient_ids).order_by("pk")
    mentioned = set(post.mentions.filter(pk__in=recipient_ids).values_list("pk", flat=True))
    url = absolute_url(f"{thread.get_absolute_url()}#post-{post.pk}")
    settings_url = absolute_url(
        reverse("discussion_mail:email_settings", kwargs={"community_slug": thread.community.slug})
    )
    sent = 0
    for person in people:
        # Who may read it is asked again person by person, right before sending (the door decides).
        if not Thread.objects.visible_to(person).filter(pk=thread.pk).exists():
            continue
        sent += send_templated_email(
            to_email=person.email,
            user=person,
            template_prefix="discussions/emails/post",
            context={
                "post": post,
                "thread": thread,
                "community": thread.community,
                "group": thread.group,
                "author_name": post.author.get_full_name() if post.author else "",
                "url": url,
                "settings_url": settings_url,
                "mentioned": person.pk in mentioned,
            },
            language=person.language,
            time_zone=person.time_zone,
            once_key=f"discussion-post:{post.pk}:{person.pk}",
            kind="discussion_post",
            community_id=thread.community_id,
            headers=_headers(post=post, thread=thread, user=person),
        )
    return sent


def refusal_key(message_id: str) -> str:
    return "discussion-refusal:" + hashlib.sha256(message_id.encode()).hexdigest()[:40]


def refusal_send(*, inbound_id: int, language: str = "") -> bool:
    """Tell the sender of a refused inbound email why, once (the ledger's key is its Message-ID)."""
    inbound = InboundMessage.objects.filter(pk=inbound_id, outcome=InboundMessage.Outcome.REFUSED).first()
    if inbound is None or "@" not in inbound.sender:
        return False
    reason = REFUSAL_REASONS.get(inbound.reason, GENERIC_REFUSAL)
    return send_templated_email(
        to_email=inbound.sender,
        template_prefix="discussions/emails/refused",
        context={"reason": reason, "recipient": inbound.recipient, "portal_url": absolute_url("/")},
        language=language or "en",
        once_key=refusal_key(inbound.message_id),
        kind="discussion_refusal",
        headers={
            "In-Reply-To": inbound.message_id,
            "References": inbound.message_id,
            "Auto-Submitted": "auto-replied",
        },
    )
