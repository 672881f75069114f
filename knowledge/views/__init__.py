"""Knowledge pages of a community: /c/<slug>/knowledge/...

Every object is found through a scoped queryset, so a hidden object and a missing one
both answer 404 (anonymous visitors are sent to sign in instead). Writes go through
services; POST-only actions answer a GET, after the same lookups, with a redirect.

One module per area: items (list, page, form, publishing), files, history (revisions),
conversation (comments, answers, following, comments on meetings), collections (with
the printable view and exports), review (peer review) and translations (items in several
languages); lookups shared by several areas live in _common. The URL conf reaches every view as views.<name>.
"""

# Private, but tests import it from here.
from .collections import _pdf_font as _pdf_font
from .collections import (
    collection_create,
    collection_delete,
    collection_detail,
    collection_edit,
    collection_entries,
    collection_export_html,
    collection_export_pdf,
    collection_list,
    collection_print,
)
from .conversation import (
    answer_accept,
    answer_create,
    comment_create,
    group_follow,
    item_follow,
    meeting_comment_create,
)
from .files import file_delete, file_download, file_thumbnail, file_upload
from .history import revision_detail, revision_list, revision_restore
from .items import PAGE_SIZE, item_create, item_detail, item_edit, item_list, item_publish
from .review import review_request, review_respond, review_round_close, review_round_detail, review_submit
from .translations import item_translations_view

__all__ = [
    "PAGE_SIZE",
    "item_translations_view",
    "item_list",
    "item_detail",
    "item_create",
    "item_edit",
    "item_publish",
    "file_upload",
    "file_download",
    "file_thumbnail",
    "file_delete",
    "revision_list",
    "revision_detail",
    "revision_restore",
    "comment_create",
    "answer_create",
    "answer_accept",
    "item_follow",
    "group_follow",
    "collection_list",
    "collection_detail",
    "collection_create",
    "collection_edit",
    "collection_delete",
    "collection_entries",
    "collection_print",
    "collection_export_html",
    "collection_export_pdf",
    "review_request",
    "review_round_detail",
    "review_submit",
    "review_respond",
    "review_round_close",
    "meeting_comment_create",
]
