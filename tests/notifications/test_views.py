"""Pages: /me/notifications/ (settings and history), the delivery log, organisers' reminders."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext

from meetings import services as meeting_services
from meetings.models import Reminder
from members.models import EmailLedger, NotificationPreference
from members.notifications import preference_for
from tests.factories import CommunityFactory, GroupFactory, make_member
from tests.notifications.conftest import future_meeting

SETTINGS_URL = "/me/notifications/"


def _ledger(user, count, **fields):
    for index in range(count):
        EmailLedger.objects.create(
            key=f"test:{user.pk}:{index}:{fields.get('status', 'sent')}",
            kind="reminder",
            user=user,
            to_email=user.email,
            subject=f"Reminder {index}",
            status=fields.get("status", EmailLedger.Status.SENT),
            community_id=fields.get("community_id"),
            last_error=fields.get("last_error", ""),
        )


def test_the_settings_page_needs_a_login(client):
    response = client.get(SETTINGS_URL)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_person_changes_offsets_digest_updates_and_mutes(client, community, member, run_on_commit):
    group = GroupFactory(community=community, name="Water team")
    make_member(community, member, group=group)
    meeting = future_meeting(community, days=5)
    registration = run_on_commit(meeting_services.registration_create, meeting=meeting, user=member)
    client.force_login(member)

    page = client.get(SETTINGS_URL)
    assert page.status_code == 200
    assert b"Water team" in page.content and community.name.encode() in page.content

    response = client.post(
        SETTINGS_URL,
        {
            "reminders_enabled": "on",
            "reminder_offsets": ["2880", "15"],
            "digest_frequency": "daily",
            "muted_communities": [str(community.pk)],
            "muted_groups": [str(group.pk)],
        },
    )
    assert response.status_code == 302
    preference = preference_for(member)
    assert preference.reminder_offsets == [2880, 15]
    assert preference.digest_frequency == NotificationPreference.DigestFrequency.DAILY
    assert preference.updates_enabled is False
    assert preference.muted_communities == [community.pk] and preference.muted_groups == [group.pk]
    pending = Reminder.objects.filter(registration=registration, status=Reminder.Status.PENDING)
    assert sorted(pending.values_list("offset_minutes", flat=True)) == [15, 2880], "future reminders recomputed"


def test_bad_input_gets_a_clear_message_and_changes_nothing(client, community, member):
    other = CommunityFactory(name="Not mine")
    client.force_login(member)
    too_many = client.post(
        SETTINGS_URL,
        {"reminders_enabled": "on", "reminder_offsets": ["10080", "2880", "1440", "60"], "digest_frequency": "weekly"},
    )
    assert too_many.status_code == 400
    assert "Choose at most three reminders per meeting." in too_many.content.decode()
    foreign = client.post(
        SETTINGS_URL, {"reminder_offsets": ["60"], "digest_frequency": "weekly", "muted_communities": [str(other.pk)]}
    )
    assert foreign.status_code == 400
    none = client.post(SETTINGS_URL, {"reminders_enabled": "on", "digest_frequency": "weekly"})
    assert none.status_code == 400
    assert "Choose when to be reminded, or turn reminders off." in none.content.decode()
    assert not NotificationPreference.objects.filter(user=member).exists()


def test_the_history_lists_the_last_50_emails_with_a_constant_number_of_queries(
    client, member, django_assert_num_queries
):
    client.force_login(member)
    _ledger(member, 3)
    client.get(SETTINGS_URL)  # warm the per-process caches (content types, the header's navigation)
    with CaptureQueriesContext(connection) as small:
        client.get(SETTINGS_URL)
    _ledger(member, 60, status=EmailLedger.Status.FAILED)
    with django_assert_num_queries(len(small)):
        page = client.get(SETTINGS_URL)
    assert page.content.decode().count("<tr>") == 51  # the header row and 50 emails


def test_coordinators_read_the_delivery_log_of_their_community_only(client, community, coordinator, member):
    other = CommunityFactory()
    _ledger(member, 2, community_id=community.pk)
    _ledger(member, 1, community_id=community.pk, status=EmailLedger.Status.FAILED, last_error="550 mailbox unknown")
    EmailLedger.objects.create(
        key="elsewhere", kind="reminder", to_email="x@example.org", subject="Elsewhere", community_id=other.pk
    )
    url = f"/c/{community.slug}/manage/deliveries/"

    client.force_login(member)
    assert client.get(url).status_code == 404
    client.force_login(coordinator)
    page = client.get(url).content.decode()
    assert page.count("Reminder 0") == 2 and "550 mailbox unknown" in page and "Elsewhere" not in page
    failed = client.get(url, {"status": "failed"}).content.decode()
    assert "550 mailbox unknown" in failed and "Reminder 1" not in failed.replace("Reminder 0", "")


def test_the_delivery_log_runs_a_constant_number_of_queries(client, community, coordinator, django_assert_num_queries):
    client.force_login(coordinator)
    url = f"/c/{community.slug}/manage/deliveries/"
    _ledger(coordinator, 2, community_id=community.pk)
    client.get(url)  # warm the per-process caches
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    _ledger(make_member(community), 40, community_id=community.pk, status=EmailLedger.Status.FAILED)
    with django_assert_num_queries(len(small)):
        client.get(url)


def test_organisers_add_and_cancel_their_own_reminders(client, community, coordinator, member):
    meeting = future_meeting(community, days=6)
    url = f"/c/{community.slug}/meetings/{meeting.pk}/reminders/"
    client.force_login(member)
    assert client.get(url).status_code == 404

    client.force_login(coordinator)
    assert client.get(url).status_code == 200
    response = client.post(url, {"action": "add", "offset_minutes": "4320", "message": "Read the plan."})
    assert response.status_code == 302
    reminder = Reminder.objects.get(meeting=meeting, registration__isnull=True)
    assert reminder.offset_minutes == 4320 and reminder.due_at == meeting.start - timedelta(days=3)
    page = client.get(url).content.decode()
    assert "3 days before" in page and "Read the plan." in page

    past = client.post(url, {"action": "add", "offset_minutes": "10080"})
    assert past.status_code == 400 and "already passed" in past.content.decode()

    client.post(url, {"action": "cancel", "reminder": reminder.pk})
    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.CANCELLED


def test_the_me_page_links_the_settings(client, member):
    client.force_login(member)
    assert SETTINGS_URL.encode() in client.get("/me/").content
