"""The first rows of a long list and how many there are in all, in one query (consoles, /me/'s lists)."""

from __future__ import annotations

from django.db import connection
from django.db.models import Count, Func, IntegerField, Q, QuerySet, Subquery, Value, Window

# COUNT(*), not COUNT(id): the index that finds the rows seldom holds their id, and counting ids makes
# PostgreSQL fetch every row from the table where the index alone would count them.
COUNT_ROWS = Func(template="COUNT(*)", output_field=IntegerField())


def _count_of(rows: QuerySet) -> Subquery:
    """Return how many rows there are, as an uncorrelated subquery (run once, from the indexes)."""
    return Subquery(rows.order_by().values(one=Value(1)).annotate(count=COUNT_ROWS).values("count"))


def first_and_total(rows: QuerySet, limit: int) -> tuple[list, int]:
    """Return the first limit rows and how many there are in all, in one query (a window count)."""
    first = list(rows.annotate(total_rows=Window(Count("pk")))[:limit])
    return first, first[0].total_rows if first else 0


def first_by_id_and_total(rows: QuerySet, limit: int, *related: str) -> tuple[list, int]:
    """Return the first limit of rows (in their order) with their related rows, and how many there are in all.

    One query, for long lists of which few are shown: the first are chosen by id in a subquery and
    only they are read whole with `related` joined; the total is an uncorrelated count (run once,
    from the indexes). A window count (first_and_total) carries every row, joined and whole, into
    the sort before the LIMIT (issue 15: 1,319 console requests, 7,000 meetings without minutes).
    """
    chosen = rows.values("pk")[:limit]
    first = list(
        rows.model._default_manager.filter(pk__in=chosen)
        .select_related(*related)
        .annotate(total_rows=_count_of(rows))
        .order_by(*rows.query.order_by)
    )
    return first, first[0].total_rows if first else 0


def first_of_parts_and_total(parts: list[QuerySet], order: tuple, limit: int, *related: str) -> tuple[list, int]:
    """first_by_id_and_total over the union of disjoint querysets of one model, each asked on its own.

    Each part gives its first limit ids (in order) and its count, so each is answered by its own index
    where one OR of them reads every row that matches any; the rows of the ids are then read whole
    with `related` joined, the first limit kept, and the counts added up (one query). The parts must not
    overlap (a row in two would be counted twice). A part with an order of its own is read in it (the same
    rows first as in `order`), and a part known to be empty (none()) is not asked.
    """
    parts = [part if part.query.order_by else part.order_by(*order) for part in parts if not part.query.is_empty()]
    if not parts:
        return [], 0
    total = _count_of(parts[0])
    for part in parts[1:]:
        total = total + _count_of(part)
    chosen = [part.values("pk")[:limit] for part in parts]
    if len(chosen) == 1:
        ids = Q(pk__in=chosen[0])
    elif connection.features.supports_slicing_ordering_in_compound:
        ids = Q(pk__in=chosen[0].union(*chosen[1:], all=True))  # (... LIMIT n) UNION ALL (... LIMIT n)
    else:  # SQLite cannot limit the parts of a UNION
        ids = Q()
        for part in chosen:
            ids |= Q(pk__in=part)
    model = parts[0].model
    first = list(
        model._default_manager.filter(ids).select_related(*related).annotate(total_rows=total).order_by(*order)[:limit]
    )
    return first, first[0].total_rows if first else 0
