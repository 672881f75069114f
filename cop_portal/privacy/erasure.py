"""Erase a person: the one service the /me/delete/ page, the admin and `manage.py erase_person` use.

The User row stays, so that foreign keys keep working (attendance counts, minutes, co-authored
items, posts, the reports' numbers) but nothing personal is left on it: the address becomes
erased-<id>@invalid (which the email ledger never sends to), the name "Former member" (at display,
User.get_full_name), every profile field is cleared, the password unusable, the account inactive.
Rows that exist only for the person are deleted; rows elsewhere holding a copy of their address or
name are scrubbed. The README's "Personal data" table lists every model and what happens to it.
Everything happens in one transaction, with an ErasureRecord (who, when, why; the person is an id).
"""

from __future__ import annotations

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from communities import webhooks
from communities.models import Invitation
from communities.permissions import may_erase_person, revoke_everything_of
from cop_portal.models import DataExport, ErasureRecord
from cop_portal.privacy.export import export_storage
from discussions.models import DiscussionPreference, InboundMessage, ReadState, Subscription
from knowledge.models import Follow
from meetings.models import Answer, CalendarFeedToken, Certificate, MeetingInvitation, Registration, SeriesFollow
from meetings.services.registrations import registration_cancel
from members.models import EmailLedger, NotificationPreference, User, erased_email
from members.sessions import end_sessions_of


class ErasureRefused(Exception):
    """The person asking may not erase this account (raised before anything changes)."""


def _addresses(person: User) -> set[str]:
    emails = {person.email.lower()}
    emails.update(e.lower() for e in EmailAddress.objects.filter(user=person).values_list("email", flat=True))
    return emails


def _any(field: str, addresses: set[str]) -> Q:
    """Return the condition "field is one of addresses", whatever the case it was typed in."""
    condition = Q(pk__in=[])
    for address in addresses:
        condition |= Q(**{f"{field}__iexact": address})
    return condition


@transaction.atomic
def person_erase(*, person: User, by: User, reason: str = "") -> ErasureRecord:
    """Erase person's account for good, as asked by by (the person or staff); return the record of it.

    Idempotent: a person already erased is left as is and their first record is returned.
    """
    person = User.objects.select_for_update().get(pk=person.pk)
    if person.is_erased:
        record = ErasureRecord.objects.filter(erased_user_id=person.pk).order_by("pk").first()
        if record is not None:
            return record
    if not may_erase_person(by, person):
        raise ErasureRefused
    addresses = _addresses(person)
    anonymous = erased_email(person.pk)

    # Rows that exist only for the person.
    EmailAddress.objects.filter(user=person).delete()
    Authenticator.objects.filter(user=person).delete()
    revoke_everything_of(person)
    NotificationPreference.objects.filter(user=person).delete()
    DiscussionPreference.objects.filter(user=person).delete()
    Follow.objects.filter(user=person).delete()
    Subscription.objects.filter(user=person).delete()
    ReadState.objects.filter(user=person).delete()
    CalendarFeedToken.objects.filter(user=person).delete()
    SeriesFollow.objects.filter(user=person).delete()
    MeetingInvitation.objects.filter(user=person).delete()
    Invitation.objects.filter(_any("email", addresses), accepted_at__isnull=True, revoked_at__isnull=True).delete()
    # Registration answers may hold health data (dietary or access needs): gone, the registration stays.
    registrations = Registration.objects.filter(Q(user=person) | _any("email", addresses))
    # Seats in meetings still to come go to the people waiting (the service promotes them); past ones stay.
    upcoming = registrations.filter(meeting__start__gt=timezone.now(), status__in=Registration.ACTIVE_STATUSES)
    for registration in upcoming.select_related("meeting"):
        registration_cancel(registration=registration, by=None)
    Answer.objects.filter(registration__in=registrations).delete()
    person.expertise.clear()
    end_sessions_of(person)
    for export in DataExport.objects.filter(user=person).exclude(path=""):
        path = export.path
        transaction.on_commit(lambda path=path: export_storage(path).delete(path))
    DataExport.objects.filter(user=person).delete()

    # Rows elsewhere that keep a copy of their address or name.
    Certificate.objects.filter(registration__in=registrations).update(name="")
    registrations.update(name="", email="", organization_name="", organization=None)
    Invitation.objects.filter(_any("email", addresses) | Q(accepted_by=person)).update(email=anonymous, full_name="")
    ledger = EmailLedger.objects.filter(Q(user=person) | _any("to_email", addresses))
    ledger.filter(status=EmailLedger.Status.QUEUED).update(
        status=EmailLedger.Status.SKIPPED, last_error="the recipient erased their account"
    )
    ledger.update(user=person, to_email=anonymous, subject="")
    InboundMessage.objects.filter(_any("sender", addresses)).update(sender=anonymous)
    LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(User), object_id=str(person.pk)).update(
        object_repr=anonymous, change_message=""
    )
    webhooks.person_forget(person.pk)  # copies in webhook payloads, sent or waiting (cancellations above included)

    # The row itself.
    person.email = anonymous
    person.full_name = ""
    person.organization = None
    person.job_title = ""
    person.country = ""
    person.bio = ""
    person.spoken_languages = []
    person.listed_in_directory = False
    person.show_email = person.show_job_title = person.show_country = False
    person.show_expertise = person.show_communities = person.show_in_network = False
    person.set_unusable_password()
    person.save()

    by_themselves = by.pk == person.pk
    return ErasureRecord.objects.create(
        erased_user_id=person.pk, by=None if by_themselves else by, by_themselves=by_themselves, reason=reason
    )
