"""manage.py erase_person EMAIL --by STAFF_EMAIL --reason TEXT: erase a person (the service the page uses)."""

from django.core.management.base import BaseCommand, CommandError

from cop_portal.privacy.erasure import ErasureRefused, person_erase
from members.models import User


class Command(BaseCommand):
    help = "Erase a person's account (their personal data); staff only, with a reason, recorded."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--by", required=True, help="the staff member's email address")
        parser.add_argument("--reason", required=True)

    def handle(self, *args, email, by, reason, **options):
        person = User.objects.filter(email__iexact=email).first()
        staff = User.objects.filter(email__iexact=by).first()
        if person is None or person.is_erased:
            raise CommandError(f"nobody has the address {email}")
        if staff is None:
            raise CommandError(f"nobody has the address {by}")
        if not reason.strip():
            raise CommandError("a reason is required")
        try:
            record = person_erase(person=person, by=staff, reason=reason.strip())
        except ErasureRefused:
            raise CommandError(f"{by} may not erase other people") from None
        self.stdout.write(f"erased person #{record.erased_user_id} (record {record.pk})")
