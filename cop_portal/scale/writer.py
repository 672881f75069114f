"""Fast inserts for the scale seed: COPY on PostgreSQL, bulk_create elsewhere, ids reserved up front.

Rows are dicts of attribute names (``community_id``, not ``community``); a concrete field left out
takes its model default (auto_now fields: the seed's clock), so COPY, which knows no Django
defaults, writes the same row bulk_create would.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from django.db import connection, models

BATCH = 2000


class Writer:
    """Insert many rows of one model at a time, the fastest way the database offers."""

    def __init__(self, now):
        self.now = now
        self.postgres = connection.vendor == "postgresql"
        self.counts: dict[str, int] = {}

    def reserve_ids(self, model: type[models.Model], count: int) -> list[int]:
        """Return count fresh primary keys of model's table; nothing else will be given them."""
        if count <= 0:
            return []
        table = model._meta.db_table
        with connection.cursor() as cursor:
            if self.postgres:
                cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [table])
                start = cursor.fetchone()[0]
                cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [table, start + count - 1])
            else:
                start = (model._default_manager.aggregate(top=models.Max("pk"))["top"] or 0) + 1
        return list(range(start, start + count))

    def _defaults(self, model):
        defaults = {}
        for field in model._meta.concrete_fields:
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                defaults[field.attname] = lambda: self.now
            elif field.has_default():
                default = field.default
                defaults[field.attname] = default if callable(default) else (lambda value=default: value)
            elif field.null:
                defaults[field.attname] = lambda: None
            elif (
                not field.primary_key
                and not field.is_relation
                and isinstance(field, models.CharField | models.TextField)
            ):
                defaults[field.attname] = lambda: ""
        return defaults

    def insert(self, model: type[models.Model], rows: Iterable[dict]) -> int:
        """Insert rows into model's table and return how many were written."""
        count = self._copy(model, rows) if self.postgres else self._bulk(model, rows)
        self.counts[model._meta.label] = self.counts.get(model._meta.label, 0) + count
        return count

    def _bulk(self, model, rows) -> int:
        count, batch = 0, []
        for row in rows:
            batch.append(model(**row))
            if len(batch) >= BATCH:
                model._default_manager.bulk_create(batch)
                count += len(batch)
                batch = []
        if batch:
            model._default_manager.bulk_create(batch)
            count += len(batch)
        return count

    def _copy(self, model, rows) -> int:
        defaults = self._defaults(model)
        # Generated columns (a meeting's search vector) are PostgreSQL's to compute: COPY names none.
        fields = [f for f in model._meta.concrete_fields if not f.generated]
        json_fields = {f.attname for f in fields if isinstance(f, models.JSONField)}
        rows = iter(rows)
        first = next(rows, None)
        if first is None:
            return 0
        # The primary key is written only when the caller reserved it; otherwise the sequence gives it.
        names = [f.attname for f in fields if not f.primary_key or f.attname in first]
        columns = ", ".join(connection.ops.quote_name(_column(model, name)) for name in names)
        count = 0
        with connection.cursor() as cursor:
            sql = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"
            with cursor.cursor.copy(sql) as copy:
                for row in _chain(first, rows):
                    values = []
                    for name in names:
                        value = row[name] if name in row else defaults[name]()
                        if name in json_fields and value is not None:
                            value = json.dumps(value)
                        values.append(value)
                    copy.write_row(values)
                    count += 1
        return count


def _column(model, attname: str) -> str:
    for field in model._meta.concrete_fields:
        if field.attname == attname:
            return field.column
    raise KeyError(attname)


def _chain(first, rest):
    yield first
    yield from rest
