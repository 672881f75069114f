"""Fill each community's theme vocabulary from the themes its objects already carry (safe to run again)."""

from django.core.management.base import BaseCommand

from communities.models import Community
from communities.services import themes_seed


class Command(BaseCommand):
    help = (
        "Add to each community's vocabulary the themes its page, groups, items and meetings already carry. "
        "Idempotent; themes already in a vocabulary (retired ones too) are left as they are."
    )

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="*", help="Only these communities (default: every community).")

    def handle(self, *args, slugs=(), **options):
        communities = Community.objects.order_by("slug")
        if slugs:
            communities = communities.filter(slug__in=slugs)
        total = 0
        for community in communities:
            added = themes_seed(community=community)
            total += len(added)
            if added:
                self.stdout.write(f"{community.slug}: {', '.join(theme.name for theme in added)}")
        self.stdout.write(self.style.SUCCESS(f"{total} themes added to the vocabularies."))
