"""Every write of the discussions: starting threads, replying, editing, moderating, following.

Rules written once:
- Who may write in a space is communities.permissions.can_post_in (the community's active
  members; for a group, its members and the people who manage it); moderation is
  communities.permissions.can_manage of the thread's group or community.
- A closed thread takes no replies but from its moderators.
- Text is cleaned (NUL bytes dropped, length bounded) and rendered through knowledge.markup,
  the one sanitiser of user text.
- Each write locks what it changes, returns early on a repeat (a double submit posts once, a
  redelivered email posts once by its Message-ID), and enqueues its notices through the outbox
  (members.outbox) in the same transaction.
- Errors are DiscussionError (a ValidationError with a translated message and a code).
"""

from . import inbound
from ._common import DiscussionError, can_moderate
from .announcements import (
    AudienceChoice,
    announcement_count,
    announcement_deliver,
    announcement_recipients,
    announcement_send,
)
from .editing import post_delete, post_edit
from .following import discussion_preference_set, subscription_clear, subscription_set
from .inbound import message_receive
from .moderation import (
    flag_create,
    flag_resolve,
    post_hide,
    post_unhide,
    thread_close,
    thread_move,
    thread_pin,
    thread_reopen,
    thread_unpin,
)
from .posting import post_reply, thread_start
from .reading import thread_mark_read

__all__ = [
    "AudienceChoice",
    "DiscussionError",
    "announcement_count",
    "announcement_deliver",
    "announcement_recipients",
    "announcement_send",
    "can_moderate",
    "discussion_preference_set",
    "flag_create",
    "flag_resolve",
    "inbound",
    "message_receive",
    "post_delete",
    "post_edit",
    "post_hide",
    "post_reply",
    "post_unhide",
    "subscription_clear",
    "subscription_set",
    "thread_close",
    "thread_mark_read",
    "thread_move",
    "thread_pin",
    "thread_reopen",
    "thread_start",
    "thread_unpin",
]
