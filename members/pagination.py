"""Pagination that never counts a whole history: long lists say "more than N" instead."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.utils.functional import cached_property

# A page number past this is treated as this one (the count below grows with the page asked for).
MAX_PAGE = 100_000


class BoundedPaginator(Paginator):
    """Count at most `reach` rows past the start of the page asked for, so Next always works.

    A list of a million rows costs a count of about a thousand on its first page; `more` tells
    the template to say "more than" (the total is then a lower bound). Page numbers past the
    end fall back to the last page found, as Django's get_page does.
    """

    def __init__(self, object_list, per_page, *, number=None, reach: int = 1000, counted=None, **kwargs):
        """counted(rows) counts a sliced queryset: a list may keep its counts (default: rows.count())."""
        super().__init__(object_list, per_page, **kwargs)
        self.counted = counted or (lambda rows: rows.count())
        try:
            page = min(max(int(number), 1), MAX_PAGE)
        except (TypeError, ValueError):
            page = 1
        self.limit = (page - 1) * per_page + reach
        self.more = False

    @cached_property
    def count(self) -> int:
        rows = self.object_list
        if hasattr(rows, "order_by"):
            rows = rows.order_by()  # counting needs no order: the first rows found will do
        found = self.counted(rows[: self.limit + 1])
        self.more = found > self.limit
        return min(found, self.limit)
