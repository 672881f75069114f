"""Cursor pagination on an immutable ordering: a page's next link never skips nor repeats a row."""

from rest_framework.pagination import CursorPagination


class StableCursorPagination(CursorPagination):
    """Newest first by primary key (never changes, unique): rows added meanwhile appear only on earlier pages."""

    ordering = "-pk"
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100


class OldestFirstCursorPagination(StableCursorPagination):
    """Oldest first (the posts of a thread, as a conversation reads)."""

    ordering = "pk"
