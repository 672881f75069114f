"""Add network-scale data on top of the demo: `manage.py seed_scale --scale 0.1 [--seed 1]` (see cop_portal.scale)."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cop_portal.scale import AlreadySeeded, seed_scale, sizes


class Command(BaseCommand):
    help = (
        "Add network-scale data (F=1.0: 50 communities, 100,000 people, 200,000 meetings, 1,000,000 items) "
        "for benchmarks. Runs once per database; deterministic for a given seed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, required=True, help="1.0 is the full network scale, 0.1 a tenth.")
        parser.add_argument("--seed", type=int, default=1, help="Seed of the random generator (default 1).")

    def handle(self, *args, scale: float, seed: int, **options):
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError("Generated data is disabled in this environment (DEMO_DATA_ALLOWED is false).")
        if not 0 < scale <= 2:
            raise CommandError("Give a scale above 0 and at most 2 (1.0 is the full network scale).")
        planned = ", ".join(f"{count:,} {name}" for name, count in sizes(scale).items())
        self.stdout.write(f"Seeding at scale {scale} (seed {seed}): {planned}")
        started = time.perf_counter()
        try:
            counts = seed_scale(scale=scale, seed=seed, log=self.stdout.write)
        except AlreadySeeded as error:
            raise CommandError(str(error)) from error
        written = sum(counts.values())
        self.stdout.write(
            self.style.SUCCESS(f"Scale data ready: {written:,} rows in {time.perf_counter() - started:.1f} s.")
        )
        for label, count in sorted(counts.items()):
            self.stdout.write(f"  {label}: {count:,}")
