"""Knowledge of a community: items, their files and history, conversation, collections and peer review.

One module per area: items (items, their authors and files, the search index), history
(revisions), conversation (comments, answers, follows), collections and review (rounds and
reviews). Every model is imported here, so Django finds it and its app_label stays
"knowledge".
"""

# In the order the single module defined them, so the app registry lists them as before.
# isort: off
from .items import NEWEST, ItemAuthor, ItemFile, KnowledgeItem, Licence, SearchVectorIndex
from .history import SNAPSHOT_LABELS, Revision
from .conversation import Answer, Comment, Follow
from .collections import Collection, CollectionEntry
from .review import Review, ReviewRound
# isort: on

__all__ = [
    "SearchVectorIndex",
    "NEWEST",
    "Licence",
    "KnowledgeItem",
    "ItemAuthor",
    "ItemFile",
    "Revision",
    "SNAPSHOT_LABELS",
    "Comment",
    "Answer",
    "Follow",
    "Collection",
    "CollectionEntry",
    "ReviewRound",
    "Review",
]
