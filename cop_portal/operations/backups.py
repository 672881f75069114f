"""Backups of the PostgreSQL database that can be proven to restore.

backup() runs pg_dump inside an exported snapshot and, in the same snapshot, counts the rows of every
table: the manifest (JSON beside the dump) says exactly what the dump holds. verify_restore() restores
a dump into a scratch database, counts again and compares, table by table; the scratch database is
dropped afterwards. Uploaded files are copied with the storage's own tools (README, "Backups").
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import uuid
from dataclasses import dataclass
from pathlib import Path

import psycopg
from django.db import connection
from psycopg import sql

MANIFEST_SUFFIX = ".manifest.json"


@dataclass(frozen=True)
class Difference:
    table: str
    expected: int | None
    found: int | None


def _dsn(settings_dict: dict, name: str | None = None) -> dict:
    return {
        "dbname": name or settings_dict["NAME"],
        "user": settings_dict.get("USER") or None,
        "password": settings_dict.get("PASSWORD") or None,
        "host": settings_dict.get("HOST") or None,
        "port": settings_dict.get("PORT") or None,
    }


def _env(settings_dict: dict) -> dict:
    env = dict(os.environ)
    for variable, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGPASSWORD", "PASSWORD")):
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    return env


def _program(name: str) -> str:
    """Return the path of a PostgreSQL client program (Debian: postgresql-client)."""
    path = shutil.which(name)
    if path is None:
        raise FileNotFoundError(f"{name} is not installed (it comes with PostgreSQL's client programs).")
    return path


def _tables(cursor) -> list[str]:
    cursor.execute(
        "SELECT quote_ident(schemaname) || '.' || quote_ident(tablename) FROM pg_tables "
        "WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1"
    )
    return [row[0] for row in cursor.fetchall()]


def count_rows(cursor) -> dict[str, int]:
    """Return {schema.table: rows} for every table cursor's database holds."""
    counts = {}
    for table in _tables(cursor):
        cursor.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.SQL(table)))
        counts[table] = cursor.fetchone()[0]
    return counts


def manifest_path(dump: Path) -> Path:
    return dump.with_name(dump.name + MANIFEST_SUFFIX)


def backup(dump: Path, *, settings_dict: dict | None = None) -> dict[str, int]:
    """Write a custom-format pg_dump of the database to dump, and its row counts to the manifest beside it."""
    settings_dict = settings_dict or connection.settings_dict
    with psycopg.connect(**_dsn(settings_dict), autocommit=False) as conn:
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
        with conn.cursor() as cursor:
            counts = count_rows(cursor)
        # pg_dump reads the same snapshot while this transaction holds it open.
        subprocess.run(  # noqa: S603 - a fixed program, arguments from settings
            [_program("pg_dump"), "--format=custom", f"--snapshot={snapshot}", f"--file={dump}", settings_dict["NAME"]],
            check=True,
            env=_env(settings_dict),
            capture_output=True,
        )
    manifest_path(dump).write_text(json.dumps({"database": settings_dict["NAME"], "tables": counts}, indent=1))
    return counts


def verify_restore(dump: Path, *, settings_dict: dict | None = None, keep: bool = False) -> list[Difference]:
    """Restore dump into a new scratch database and return the tables whose counts differ from its manifest."""
    settings_dict = settings_dict or connection.settings_dict
    expected = json.loads(manifest_path(dump).read_text())["tables"]
    scratch = f"cop_restore_check_{uuid.uuid4().hex[:10]}"
    admin = _dsn(settings_dict, "postgres")
    with psycopg.connect(**admin, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(scratch)))
    try:
        subprocess.run(  # noqa: S603
            [_program("pg_restore"), "--no-owner", "--exit-on-error", f"--dbname={scratch}", str(dump)],
            check=True,
            env=_env(settings_dict),
            capture_output=True,
        )
        with psycopg.connect(**_dsn(settings_dict, scratch)) as conn, conn.cursor() as cursor:
            found = count_rows(cursor)
    finally:
        if not keep:
            with psycopg.connect(**admin, autocommit=True) as conn:
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(scratch)))
    return [
        Difference(table, expected.get(table), found.get(table))
        for table in sorted(set(expected) | set(found))
        if expected.get(table) != found.get(table)
    ]
