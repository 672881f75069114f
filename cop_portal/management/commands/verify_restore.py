"""python manage.py verify_restore FILE: restore a dump into a scratch database and compare row counts."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from cop_portal.operations import backups


class Command(BaseCommand):
    help = "Restore a backup_database dump into a scratch database and check every table's row count."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--keep", action="store_true", help="keep the scratch database for inspection")

    def handle(self, *args, file: Path, keep: bool, **options):
        if connection.vendor != "postgresql":
            raise CommandError("verify_restore needs PostgreSQL (it creates a scratch database).")
        if not backups.manifest_path(file).exists():
            raise CommandError(f"No manifest beside {file}: make backups with backup_database.")
        differences = backups.verify_restore(file, keep=keep)
        if differences:
            for difference in differences:
                self.stderr.write(
                    f"{difference.table}: {difference.expected} in the backup, {difference.found} restored"
                )
            raise CommandError(f"The restore differs in {len(differences)} table(s).")
        self.stdout.write(self.style.SUCCESS(f"{file} restores: every table has the rows the manifest counts."))
