"""Lists of ids sent to PostgreSQL as one array: `field__in=IdList(ids)` is `field = ANY(%s)`.

A signed-in page's scoped querysets carry the person's ids as lists (the communities they are an
active member of, their groups, the groups they may see: communities.permissions.person). Written
as `field__in=[...]`, Django builds one placeholder per id and prepares each value, and psycopg
splits the query at every placeholder to merge the values in: for the heaviest member that is
300 to 450 values per query, about 15 ms of CPU per page (issue 15).

An IdList is a list of ints that the `in` lookup passes as ONE parameter on PostgreSQL, written
`field = ANY(%s)`. PostgreSQL turns `field IN (1, 2, 3)` into `field = ANY('{1,2,3}')` itself, so
the plan is the same; only the work of building and sending it goes. One id is `field = %s`, as
PostgreSQL reads `IN (5)`: planned as an equality, so a single community's index range is used
whole. On other databases (SQLite, the embedded default) it is an ordinary `IN (...)`. An empty
IdList matches nothing, as an empty list does (Django leaves the condition out: EmptyResultSet).

The lookups are registered on every field when the app is ready (MembersConfig.ready); they behave
exactly as Django's own for any other right-hand side.
"""

from __future__ import annotations

from django.db.models import Field, ForeignObject
from django.db.models.fields.related_lookups import RelatedIn
from django.db.models.lookups import In


class IdList(list):
    """A list of object ids that PostgreSQL receives as one array parameter.

    Its items must be ints (primary keys as read from the database), and it is not changed once used in
    a query: it is sent as one array literal, written once per list. The groups a heavy member may see
    are about 450 ids, used by most scoped queries of a page; passed as a list, Django resolved each id
    of it in every filter and psycopg dumped each id (in Python, for a text array) in every query: about
    50 million instructions per page (issue 15).
    """

    def resolve_expression(self, *args, **kwargs):
        """Return the list itself: ids need no resolving (Django's filter would resolve each item)."""
        return self

    def array_literal(self) -> str:
        """Return the ids as PostgreSQL's array literal, '{1,2,3}', written once per list."""
        literal = self.__dict__.get("_literal")
        if literal is None:
            literal = self.__dict__["_literal"] = "{" + ",".join(str(int(value)) for value in self) + "}"
        return literal


class _ArrayIn:
    """The `in` lookup, sending an IdList as one array parameter on PostgreSQL (mixed into In and RelatedIn)."""

    def get_prep_lookup(self):
        if isinstance(self.rhs, IdList):
            return self.rhs  # ints already (primary keys): nothing to prepare one by one
        return super().get_prep_lookup()

    def as_sql(self, compiler, connection):
        if isinstance(self.rhs, IdList) and self.rhs and connection.vendor == "postgresql":
            lhs, lhs_params = self.process_lhs(compiler, connection)
            if len(self.rhs) == 1:  # as PostgreSQL reads `IN (5)`: an equality, which plans as one
                return f"{lhs} = %s", (*lhs_params, self.rhs[0])
            return f"{lhs} = ANY(%s::bigint[])", (*lhs_params, self.rhs.array_literal())
        return super().as_sql(compiler, connection)


class ArrayIn(_ArrayIn, In):
    pass


class ArrayRelatedIn(_ArrayIn, RelatedIn):
    pass


def register() -> None:
    """Make `in` accept IdList on every field and relation (Django's lookups otherwise); idempotent."""
    Field.register_lookup(ArrayIn)
    ForeignObject.register_lookup(ArrayRelatedIn)
