"""Erasing a person: nothing of their address or name is left anywhere, what the communities need stays."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from communities.models import Invitation, Membership
from communities.services import invitation_create
from cop_portal.models import ErasureRecord
from cop_portal.privacy.erasure import ErasureRefused, person_erase
from cop_portal.reports.periods import Period
from cop_portal.reports.selectors import Report
from discussions import services as discussions
from discussions.models import InboundMessage, Subscription
from knowledge.models import Follow, ItemAuthor
from knowledge.services import follow
from knowledge.services.conversation import comment_create
from knowledge.services.items import AuthorSpec
from meetings.models import Answer, Question, Registration
from meetings.services.attendance import attendance_mark
from meetings.services.feeds import calendar_feed_token_create
from members.mail_batch import Outgoing, send_batch
from members.models import EmailLedger, NotificationPreference, User
from members.notifications import send_templated_email
from tests.factories import CommunityFactory, UserFactory, make_member
from tests.knowledge.helpers import make_item
from tests.meetings.factories import MeetingFactory

EMAIL = "zelda.quixotic@example.org"
NAME = "Zelda Quixotic"
PASSWORD = "a-long-test-password"


def _everything_about_zelda(community):
    """Build a person with every kind of data the portal keeps, and a co-author and a coordinator around her."""
    coordinator = make_member(community, role=Membership.Role.COORDINATOR)
    zelda = make_member(
        community, UserFactory(email=EMAIL, full_name=NAME, job_title="Data officer", bio="I map rivers.")
    )
    zelda.expertise.add("hydrology")
    NotificationPreference.objects.create(user=zelda)
    # Membership history: a second community she left.
    coauthor = make_member(community, UserFactory(full_name="Carla Coauthor"))
    # A meeting in the past she attended, with a question whose answer holds health data.
    past = MeetingFactory(
        community=community,
        start=timezone.now() - timedelta(days=10),
        end=timezone.now() - timedelta(days=10) + timedelta(hours=1),
    )
    question = Question.objects.create(
        meeting=past, kind=Question.Kind.LONG_TEXT, builtin=Question.BuiltIn.DIETARY, label="Dietary needs"
    )
    registration = Registration.objects.create(meeting=past, user=zelda, status=Registration.Status.REGISTERED)
    Answer.objects.create(registration=registration, question=question, value="Gluten-free, Zelda Quixotic")
    theirs = Registration.objects.create(meeting=past, user=coauthor, status=Registration.Status.REGISTERED)
    attendance_mark(meeting=past, by=coordinator, attended_ids=[registration.pk, theirs.pk])
    # A meeting still to come: her seat goes back when she is erased.
    Registration.objects.create(meeting=MeetingFactory(community=community), user=zelda)
    # Content: a thread and a reply, an item with a co-author, a comment, follows, a subscription.
    thread = discussions.thread_start(community=community, by=zelda, title="Rivers", body="Who maps rivers?")
    discussions.post_reply(thread=thread, by=coauthor, body="We do.")
    discussions.subscription_set(user=zelda, community=community, level="follow", thread=thread)
    item = make_item(community, author=zelda, authors=[AuthorSpec(user=zelda), AuthorSpec(user=coauthor)])
    comment_create(by=zelda, body="A good start.", item=item)
    follow(user=zelda, item=item)
    calendar_feed_token_create(user=zelda)
    # Copies of her address: an invitation (accepted one and a pending one), an inbound email, ledger rows.
    elsewhere = CommunityFactory()
    invitation_create(
        community=elsewhere,
        email="Zelda.Quixotic@example.org",
        by=make_member(elsewhere, role=Membership.Role.COORDINATOR),
        full_name=NAME,
    )
    InboundMessage.objects.create(
        message_id="<m1@example.org>", sender=EMAIL, recipient="reply@example.org", outcome="refused"
    )
    EmailLedger.objects.create(key="digest:queued", kind="digest", user=zelda, to_email=EMAIL, subject=f"For {NAME}")
    return zelda, coauthor, coordinator, past, item


def _text_columns():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() "
            "AND data_type IN ('text', 'character varying', 'json', 'jsonb')"
        )
        return cursor.fetchall()


def _where_found(needle: str) -> list[str]:
    found = []
    with connection.cursor() as cursor:
        for table, column in _text_columns():
            # Table and column names come from information_schema, the needle is a parameter.
            query = f'SELECT COUNT(*) FROM "{table}" WHERE "{column}"::text ILIKE %s'  # noqa: S608
            cursor.execute(query, [f"%{needle}%"])
            if cursor.fetchone()[0]:
                found.append(f"{table}.{column}")
    return found


def _report(community):
    return [table.as_lists() for table in Report(community=community, period=Period()).tables()]


@pytest.mark.django_db
def test_erasure_leaves_no_address_or_name_and_keeps_what_communities_need(community, client):
    zelda, coauthor, _coordinator, past, item = _everything_about_zelda(community)
    assert client.login(email=EMAIL, password=PASSWORD)
    assert _where_found(EMAIL) and _where_found(NAME)  # the scan does find her before
    report_before = _report(community)
    attended_before = Registration.objects.filter(meeting=past, attended=True).count()

    record = person_erase(person=zelda, by=zelda)

    assert _where_found(EMAIL) == []
    assert _where_found(NAME) == []
    assert _where_found("zelda.quixotic") == []
    zelda.refresh_from_db()
    assert zelda.is_erased and not zelda.is_active and not zelda.has_usable_password()
    assert str(zelda) == "Former member"
    assert record.erased_user_id == zelda.pk and record.by_themselves and record.by is None
    # What the community needs stays.
    assert Registration.objects.filter(meeting=past, attended=True).count() == attended_before == 2
    assert _report(community) == report_before
    assert list(ItemAuthor.objects.filter(item=item).values_list("user", flat=True)) == [zelda.pk, coauthor.pk]
    assert Membership.objects.filter(user=zelda, community=community).exists()
    upcoming = Registration.objects.get(user=zelda, meeting__start__gt=timezone.now())
    assert upcoming.status == Registration.Status.CANCELLED
    # What existed only for her is gone.
    assert not Answer.objects.filter(registration__user=zelda).exists()
    assert not EmailAddress.objects.filter(user=zelda).exists()
    assert not Follow.objects.filter(user=zelda).exists() and not Subscription.objects.filter(user=zelda).exists()
    assert not Invitation.objects.filter(accepted_at__isnull=True, revoked_at__isnull=True, email=zelda.email).exists()
    assert EmailLedger.objects.get(key="digest:queued").status == EmailLedger.Status.SKIPPED
    # Her session ended, and she cannot sign in again.
    assert client.get(reverse("me:dashboard")).status_code == 302
    assert not client.login(email=EMAIL, password=PASSWORD)
    assert not client.login(email=zelda.email, password=PASSWORD)


@pytest.mark.django_db
def test_nothing_is_sent_to_an_erased_person_afterwards(community):
    zelda, *_rest = _everything_about_zelda(community)
    person_erase(person=zelda, by=zelda)
    mail.outbox.clear()
    zelda = User.objects.get(pk=zelda.pk)  # as a reminder or digest task loads her
    assert not send_templated_email(
        to_email=zelda.email,
        template_prefix="members/emails/test",
        context={},
        language="en",
        once_key="digest:after",
        user=zelda,
        kind="digest",
    )
    outgoing = Outgoing(
        key="reminder:after", user=zelda, kind="reminder", stream="reminders", build=lambda: build_message_stub()
    )
    assert send_batch([outgoing]) == set()
    assert mail.outbox == []
    assert set(
        EmailLedger.objects.filter(key__in=["digest:after", "reminder:after"]).values_list("status", flat=True)
    ) == {EmailLedger.Status.SKIPPED}


def build_message_stub():
    raise AssertionError("no email is built for an erased person")


@pytest.mark.django_db
def test_staff_erasure_is_recorded_and_coordinators_cannot_erase(community, client):
    zelda, _coauthor, coordinator, *_rest = _everything_about_zelda(community)
    with pytest.raises(ErasureRefused):
        person_erase(person=zelda, by=coordinator)
    assert User.objects.get(pk=zelda.pk).email == EMAIL
    # A coordinator reaches neither the admin nor someone else's erasure.
    client.force_login(coordinator)
    response = client.get(reverse("admin:cop_portal_erasurerecord_add"))
    assert response.status_code in (302, 403, 404)
    # Staff erase through the admin, with a reason.
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    response = client.post(
        reverse("admin:cop_portal_erasurerecord_add"), {"email": EMAIL, "reason": "Asked by letter of 3 December"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    record = ErasureRecord.objects.get()
    assert (record.erased_user_id, record.by, record.by_themselves) == (zelda.pk, staff, False)
    assert record.reason == "Asked by letter of 3 December"
    assert User.objects.get(pk=zelda.pk).is_erased
    assert _where_found(EMAIL) == [] and _where_found(NAME) == []


@pytest.mark.django_db
def test_staff_erasure_without_a_reason_changes_nothing(community, client):
    zelda = make_member(community, UserFactory(email=EMAIL, full_name=NAME))
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.post(reverse("admin:cop_portal_erasurerecord_add"), {"email": EMAIL, "reason": " "})
    assert response.status_code == 200
    assert not ErasureRecord.objects.exists() and User.objects.get(pk=zelda.pk).email == EMAIL


@pytest.mark.django_db
def test_management_command_erases_with_a_record(community):
    zelda = make_member(community, UserFactory(email=EMAIL, full_name=NAME))
    staff = UserFactory(is_staff=True, is_superuser=True)
    call_command("erase_person", EMAIL, "--by", staff.email, "--reason", "Court order")
    assert User.objects.get(pk=zelda.pk).is_erased
    assert ErasureRecord.objects.get().by == staff


@pytest.mark.django_db
def test_account_delete_page_needs_the_password_and_works_without_javascript(community, client):
    zelda = make_member(community, UserFactory(email=EMAIL, full_name=NAME))
    url = reverse("me:account_delete")
    assert client.get(url).status_code == 302  # anonymous: to the sign-in page
    client.force_login(zelda)
    page = client.get(url)
    assert page.status_code == 200 and b'type="password"' in page.content
    wrong = client.post(url, {"password": "not it"})
    assert wrong.status_code == 200 and "This is not your password" in wrong.content.decode()
    assert User.objects.get(pk=zelda.pk).email == EMAIL
    done = client.post(url, {"password": PASSWORD})
    assert done.status_code == 302
    assert User.objects.get(pk=zelda.pk).is_erased
    assert client.get(reverse("me:dashboard")).status_code == 302


@pytest.mark.django_db
def test_erasing_twice_changes_nothing_more(community):
    zelda = make_member(community, UserFactory(email=EMAIL, full_name=NAME))
    first = person_erase(person=zelda, by=zelda)
    again = person_erase(person=User.objects.get(pk=zelda.pk), by=User.objects.get(pk=zelda.pk))
    assert again.pk == first.pk and ErasureRecord.objects.count() == 1
