"""python manage.py backup_database FILE: a pg_dump of the database and a manifest of its row counts."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from cop_portal.operations import backups


class Command(BaseCommand):
    help = "Dump the PostgreSQL database (pg_dump, custom format) with a manifest of row counts per table."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="where to write the dump (FILE.manifest.json goes beside it)")

    def handle(self, *args, file: Path, **options):
        if connection.vendor != "postgresql":
            raise CommandError("Backups are made of PostgreSQL; the embedded SQLite file can simply be copied.")
        counts = backups.backup(file)
        self.stdout.write(f"Wrote {file} ({sum(counts.values()):,} rows in {len(counts)} tables).")
