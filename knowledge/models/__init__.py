"""Knowledge of a community: items, their files and history, conversation, collections and peer review."""

from .items import (
    SNAPSHOT_LABELS,
    Answer,
    Collection,
    CollectionEntry,
    Comment,
    Follow,
    ItemAuthor,
    ItemFile,
    KnowledgeItem,
    Licence,
    Review,
    ReviewRound,
    Revision,
    SearchVectorIndex,
)

__all__ = [
    "SearchVectorIndex",
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
