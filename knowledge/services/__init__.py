"""Every write to knowledge goes through these functions (keyword-only, typed, idempotent).

Bad input raises ValidationError with a translatable message and changes nothing;
a forbidden action raises PermissionDenied. Notifications are enqueued on commit.

One module per area: items (with authors, revisions, search), files, conversation
(comments and answers), following, collections, review (peer review), translations
(items in several languages), notices (sent by the tasks) and membership (what ends when
a membership ends); helpers shared by several areas live in _common. Import from knowledge.services, not from the areas.
"""

from ._common import CHANGE_PERM, DOUBLE_SUBMIT_WINDOW, notifications_muted
from .collections import (
    collection_add_item,
    collection_create,
    collection_delete,
    collection_move_item,
    collection_remove_item,
    collection_set_order,
    collection_update,
)
from .conversation import answer_accept, answer_create, comment_create
from .files import file_attach, file_remove
from .following import follow, unfollow
from .items import (
    CONTENT_FIELDS,
    RESTORABLE,
    SEARCH_CONFIGS,
    AuthorSpec,
    item_create,
    item_publish,
    item_restore_revision,
    item_unpublish,
    item_update,
    search_vector_update,
)
from .membership import knowledge_membership_ended
from .moderation import answer_remove, comment_remove, item_delete
from .notices import (
    notice_answer_accepted,
    notice_answer_created,
    notice_comment_created,
    notice_review_completed,
    notice_review_requested,
)
from .review import review_respond, review_round_cancel, review_round_complete, review_round_request, review_submit
from .translations import item_translation_create, item_translation_link, translation_set

__all__ = [
    "answer_remove",
    "comment_remove",
    "item_delete",
    "CHANGE_PERM",
    "CONTENT_FIELDS",
    "DOUBLE_SUBMIT_WINDOW",
    "RESTORABLE",
    "SEARCH_CONFIGS",
    "AuthorSpec",
    "answer_accept",
    "answer_create",
    "collection_add_item",
    "collection_create",
    "collection_delete",
    "collection_move_item",
    "collection_remove_item",
    "collection_set_order",
    "collection_update",
    "comment_create",
    "file_attach",
    "file_remove",
    "follow",
    "item_create",
    "item_publish",
    "item_restore_revision",
    "item_translation_create",
    "item_translation_link",
    "item_unpublish",
    "item_update",
    "knowledge_membership_ended",
    "notice_answer_accepted",
    "notice_answer_created",
    "notice_comment_created",
    "notice_review_completed",
    "notice_review_requested",
    "notifications_muted",
    "review_respond",
    "review_round_cancel",
    "review_round_complete",
    "review_round_request",
    "review_submit",
    "search_vector_update",
    "translation_set",
    "unfollow",
]
