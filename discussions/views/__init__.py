"""Discussion pages of a community: /c/<slug>/discussions/...

Every object is found through a scoped queryset (Thread.objects.visible_to, ...) behind the
one door (communities.access), so a hidden thread and a missing one both answer 404 (anonymous
visitors are sent to sign in). Writes go through discussions.services; POST-only actions
answer a GET with a redirect. One module per area: threads (list, new, page, reply), posts
(edit, history, delete, hide, flag) and moderation (pin, close, move, flags).
"""

from .moderation import flag_list, thread_close, thread_move, thread_pin, thread_reopen, thread_unpin
from .posts import post_delete, post_edit, post_flag, post_hide, post_history, post_unhide
from .threads import thread_create, thread_detail, thread_list, thread_reply

__all__ = [
    "flag_list",
    "post_delete",
    "post_edit",
    "post_flag",
    "post_hide",
    "post_history",
    "post_unhide",
    "thread_close",
    "thread_create",
    "thread_detail",
    "thread_list",
    "thread_move",
    "thread_pin",
    "thread_reopen",
    "thread_reply",
    "thread_unpin",
]
