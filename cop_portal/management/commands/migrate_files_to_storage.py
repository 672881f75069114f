"""Copy the files on the local disk into the configured storages (an object store), verifying each.

    python manage.py migrate_files_to_storage [--dry-run] [--media-root DIR] [--private-root DIR]

MEDIA_ROOT goes to the "default" storage (logos, report PDFs, open-data bundles, data exports) and
KNOWLEDGE_FILES_ROOT to the "private" storage (knowledge files), under the same names, so the rows
that name them keep working. Each copy is read back and compared by size and SHA-256; a file already
there with the same size and checksum is skipped, so the command can run again after an interruption
(or before and after a switch-over) and copies only what is missing or different. Files on the disk
are left where they are: remove them once the portal runs on the object store. The command exits
with an error if any file could not be copied or verified.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage, storages
from django.core.management.base import BaseCommand, CommandError

from members.storage import stored_checksum


def local_checksum(path: Path) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


class Command(BaseCommand):
    help = "Copy files from the local disk to the configured storages, verifying each by size and SHA-256."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Report what would be copied; copy nothing.")
        parser.add_argument("--media-root", default=None, help="The local folder of the default storage.")
        parser.add_argument("--private-root", default=None, help="The local folder of the private storage.")

    def handle(self, *args, dry_run=False, media_root=None, private_root=None, **options):
        pairs = [
            ("default", Path(media_root or settings.MEDIA_ROOT)),
            ("private", Path(private_root or settings.KNOWLEDGE_FILES_ROOT)),
        ]
        totals = {"copied": 0, "skipped": 0, "failed": 0}
        for alias, root in pairs:
            target = storages[alias]
            if hasattr(target, "path"):
                try:
                    same = Path(target.path("")).resolve() == root.resolve()
                except NotImplementedError:
                    same = False
                if same:
                    self.stdout.write(f"{alias}: the storage is the local folder {root} itself; nothing to copy.")
                    continue
            if not root.is_dir():
                self.stdout.write(f"{alias}: {root} does not exist; nothing to copy.")
                continue
            for path in sorted(p for p in root.rglob("*") if p.is_file()):
                name = path.relative_to(root).as_posix()
                outcome = self._migrate_one(target, name, path, dry_run=dry_run)
                totals[outcome] += 1
        verb = "would copy" if dry_run else "copied"
        summary = f"{verb} {totals['copied']}, skipped {totals['skipped']} (already there and equal)"
        summary += f", failed {totals['failed']}."
        if totals["failed"]:
            raise CommandError(summary)
        self.stdout.write(self.style.SUCCESS(summary))

    def _migrate_one(self, target: Storage, name: str, path: Path, *, dry_run: bool) -> str:
        size, sha256 = local_checksum(path)
        if target.exists(name):
            if stored_checksum(target, name) == (size, sha256):
                self.stdout.write(f"  skip   {name} (equal)", ending="\n")
                return "skipped"
            if dry_run:
                self.stdout.write(f"  differs {name}: would replace")
                return "copied"
            target.delete(name)
        elif dry_run:
            self.stdout.write(f"  would copy {name} ({size} bytes)")
            return "copied"
        with path.open("rb") as handle:
            stored_name = target.save(name, File(handle, name=path.name))
        if stored_name != name:
            target.delete(stored_name)
            self.stderr.write(f"  FAILED {name}: stored as {stored_name}")
            return "failed"
        read_back = stored_checksum(target, name)
        if read_back != (size, sha256):
            self.stderr.write(f"  FAILED {name}: read back {read_back[0]} bytes, sha256 {read_back[1]}")
            return "failed"
        self.stdout.write(f"  copied {name} ({size} bytes, sha256 {sha256[:12]}…)")
        return "copied"
