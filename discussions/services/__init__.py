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

from ._common import DiscussionError
from .announcements import (
    AudienceChoice,
    announcement_count,
    announcement_deliver,
    announcement_recipients,
    announcement_send,
)
from .posting import post_reply, thread_start

__all__ = [
    "AudienceChoice",
    "DiscussionError",
    "announcement_count",
    "announcement_deliver",
    "announcement_recipients",
    "announcement_send",
    "post_reply",
    "thread_start",
]
