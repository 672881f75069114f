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
from ._common import DiscussionError
from .following import discussion_preference_set, subscription_clear, subscription_set
from .inbound import message_receive
from .posting import post_reply, thread_start

__all__ = [
    "DiscussionError",
    "discussion_preference_set",
    "inbound",
    "message_receive",
    "post_reply",
    "subscription_clear",
    "subscription_set",
    "thread_start",
]
