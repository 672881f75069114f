"""Import organisations and people from a CSV file: `manage.py import_people people.csv [--dry-run]`."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from communities.importing import COLUMN_NAMES, import_people


class Command(BaseCommand):
    help = (
        "Import organisations and people (with their communities, groups, roles and reporting labels) from a "
        "CSV file. Every bad row is reported with its line number; nothing is written unless the whole file "
        "is valid. Importing the same file twice creates nothing new. Columns: " + ", ".join(COLUMN_NAMES)
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="A UTF-8 CSV file whose first line names the columns.")
        parser.add_argument("--dry-run", action="store_true", help="Check the file and report; write nothing.")

    def handle(self, *args, file: Path, dry_run: bool, **options):
        try:
            text = file.read_bytes().decode("utf-8-sig")
        except FileNotFoundError as error:
            raise CommandError(f"No such file: {file}") from error
        except UnicodeDecodeError as error:
            raise CommandError(f"{file} is not UTF-8 text: save it as “CSV UTF-8”.") from error
        report = import_people(text, dry_run=dry_run)
        for error in report.errors:
            self.stderr.write(str(error))
        if not report.ok:
            raise CommandError(report.summary())
        self.stdout.write(self.style.SUCCESS(report.summary()))
