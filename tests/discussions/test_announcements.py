"""Announcements: who may send them, who receives them, and that each person gets each one exactly once."""

import threading

import pytest
from django.core import mail
from django.db import connection
from django.test import override_settings

from communities.models import Membership, PartnerRole, Partnership
from discussions import services
from discussions.models import Announcement
from discussions.services import AudienceChoice
from discussions.tasks import send_announcement
from members.models import EmailLedger, NotificationPreference, OutboxMessage
from members.notifications import notification_stream_off
from members.tokens import STREAM_ANNOUNCEMENTS
from tests.conftest import require_service
from tests.factories import CommunityFactory, GroupFactory, OrganizationFactory, UserFactory, make_member

Audience = Announcement.Audience


@pytest.fixture
def world(db):
    """A community with a coordinator, a group with its facilitator, partners of two roles, people of two countries."""
    community = CommunityFactory(slug="rebuild-ann", name="REBUILD")
    other = CommunityFactory(slug="other-ann")
    team = GroupFactory(community=community, name="Team Tripoli")
    other_team = GroupFactory(community=community, name="Team Benghazi")
    city_role = PartnerRole.objects.create(community=community, name="Municipality")
    uni_role = PartnerRole.objects.create(community=community, name="University")
    tripoli, padova = OrganizationFactory(name="Tripoli", country="LY"), OrganizationFactory(name="Padova")
    Partnership.objects.create(community=community, organization=tripoli, role=city_role)
    Partnership.objects.create(community=community, organization=padova, role=uni_role)
    coordinator = make_member(community, UserFactory(full_name="Cora", country="IT"), role=Membership.Role.COORDINATOR)
    facilitator = make_member(community, UserFactory(full_name="Fadi", country="LY"))
    make_member(community, facilitator, group=team, role=Membership.Role.FACILITATOR)
    libyan = make_member(community, UserFactory(full_name="Laila", country="LY", organization=tripoli, language="ar"))
    make_member(community, libyan, group=team)
    italian = make_member(community, UserFactory(full_name="Ivo", country="IT", organization=padova, language="it"))
    make_member(community, italian, group=other_team)
    # Not in the audience: a member of another community only, a pending request, a left member.
    make_member(other, UserFactory(full_name="Elsewhere", country="LY", organization=tripoli))
    Membership.objects.create(user=UserFactory(country="LY"), community=community, status=Membership.Status.PENDING)
    Membership.objects.create(user=UserFactory(country="LY"), community=community, status=Membership.Status.LEFT)
    return {
        "community": community,
        "team": team,
        "other_team": other_team,
        "city_role": city_role,
        "uni_role": uni_role,
        "coordinator": coordinator,
        "facilitator": facilitator,
        "libyan": libyan,
        "italian": italian,
    }


def _names(queryset):
    return sorted(person.full_name for person in queryset)


def test_the_whole_community_is_its_active_members(world):
    people = services.announcement_recipients(community=world["community"], audience=AudienceChoice(kind="community"))
    assert _names(people) == ["Cora", "Fadi", "Ivo", "Laila"]


def test_a_group_is_its_active_members(world):
    audience = AudienceChoice(kind=Audience.GROUP, group=world["team"])
    assert _names(services.announcement_recipients(community=world["community"], audience=audience)) == [
        "Fadi",
        "Laila",
    ]


def test_a_partner_role_is_the_members_whose_organisation_has_it_here(world):
    audience = AudienceChoice(kind=Audience.PARTNER_ROLE, partner_role=world["city_role"])
    # "Elsewhere" works for Tripoli too, but is not a member of this community.
    assert _names(services.announcement_recipients(community=world["community"], audience=audience)) == ["Laila"]


def test_a_country_is_the_members_from_it(world):
    audience = AudienceChoice(kind=Audience.COUNTRY, country="LY")
    assert _names(services.announcement_recipients(community=world["community"], audience=audience)) == [
        "Fadi",
        "Laila",
    ]


def test_people_without_a_usable_address_or_with_announcements_off_are_not_counted(world):
    community = world["community"]
    make_member(community, UserFactory(full_name="Unverified", verified=False))
    make_member(community, UserFactory(full_name="Deactivated", is_active=False))
    notification_stream_off(user=world["italian"], stream=STREAM_ANNOUNCEMENTS)
    count = services.announcement_count(
        user=world["coordinator"], community=community, audience=AudienceChoice(kind="community")
    )
    assert count == 3  # Cora, Fadi, Laila


def _send(world, django_capture_on_commit_callbacks, *, by=None, **audience):
    with django_capture_on_commit_callbacks(execute=True):
        return services.announcement_send(
            community=world["community"],
            by=by or world["coordinator"],
            audience=AudienceChoice(**(audience or {"kind": "community"})),
            title="Steering committee moved",
            body="The **steering committee** meets on Tuesday.",
        )


def test_an_announcement_reaches_each_recipient_once_in_their_language(world, django_capture_on_commit_callbacks):
    announcement = _send(world, django_capture_on_commit_callbacks)
    assert announcement.recipient_count == 4
    assert "<strong>steering committee</strong>" in announcement.body_html
    assert OutboxMessage.objects.filter(key=f"announcement:{announcement.pk}").count() == 1
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        world[name].email for name in ("coordinator", "facilitator", "libyan", "italian")
    )
    assert len(mail.outbox) == announcement.recipient_count
    assert EmailLedger.objects.filter(kind="announcement", status=EmailLedger.Status.SENT).count() == 4
    by_address = {message.to[0]: message for message in mail.outbox}
    arabic = by_address[world["libyan"].email]
    assert arabic.extra_headers["Content-Language"] == "ar"
    assert "Steering committee moved" in arabic.subject
    assert announcement.get_absolute_url() in arabic.body
    italian = by_address[world["italian"].email]
    assert italian.extra_headers["Content-Language"] == "it"
    assert "/unsubscribe/" in italian.extra_headers["List-Unsubscribe"]


def test_people_who_turned_announcements_off_get_none_and_are_not_counted(world, django_capture_on_commit_callbacks):
    notification_stream_off(user=world["libyan"], stream=STREAM_ANNOUNCEMENTS)
    announcement = _send(world, django_capture_on_commit_callbacks)
    assert announcement.recipient_count == 3
    assert world["libyan"].email not in [message.to[0] for message in mail.outbox]
    assert len(mail.outbox) == 3


def test_someone_turning_announcements_off_before_the_task_runs_gets_none(world, django_capture_on_commit_callbacks):
    announcement = services.announcement_send(
        community=world["community"],
        by=world["coordinator"],
        audience=AudienceChoice(kind="community"),
        title="Hello",
        body="Hello all",
    )
    NotificationPreference.objects.update_or_create(user=world["libyan"], defaults={"announcements_enabled": False})
    send_announcement(announcement.pk)
    assert world["libyan"].email not in [message.to[0] for message in mail.outbox]


def test_the_task_run_twice_sends_each_email_once(world, django_capture_on_commit_callbacks):
    announcement = _send(world, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 4
    assert send_announcement(announcement.pk) == 0
    assert len(mail.outbox) == 4


def test_a_double_submitted_form_makes_one_announcement(world, django_capture_on_commit_callbacks):
    kwargs = {
        "community": world["community"],
        "by": world["coordinator"],
        "audience": AudienceChoice(kind="community"),
        "title": "Once",
        "body": "Only once",
    }
    with django_capture_on_commit_callbacks(execute=True):
        first = services.announcement_send(nonce="form-token-1", **kwargs)
        second = services.announcement_send(nonce="form-token-1", **kwargs)
        third = services.announcement_send(nonce="form-token-2", **kwargs)  # same text within two minutes
    assert first == second == third
    assert Announcement.objects.count() == 1
    assert len(mail.outbox) == 4


def test_a_facilitator_announces_to_their_group_only(world, django_capture_on_commit_callbacks):
    announcement = _send(
        world, django_capture_on_commit_callbacks, by=world["facilitator"], kind=Audience.GROUP, group=world["team"]
    )
    assert announcement.recipient_count == 2
    for audience in (
        {"kind": Audience.GROUP, "group": world["other_team"]},
        {"kind": Audience.COMMUNITY},
        {"kind": Audience.COUNTRY, "country": "LY"},
        {"kind": Audience.PARTNER_ROLE, "partner_role": world["city_role"]},
    ):
        with pytest.raises(services.DiscussionError):
            _send(world, django_capture_on_commit_callbacks, by=world["facilitator"], **audience)
    assert Announcement.objects.count() == 1


def test_a_member_cannot_announce_and_nothing_is_sent(world, django_capture_on_commit_callbacks):
    with pytest.raises(services.DiscussionError) as refusal:
        _send(world, django_capture_on_commit_callbacks, by=world["libyan"])
    assert refusal.value.code == "not_a_manager"
    assert not Announcement.objects.exists() and not mail.outbox and not OutboxMessage.objects.exists()


def test_a_group_or_partner_role_of_another_community_is_refused(world, django_capture_on_commit_callbacks):
    elsewhere = CommunityFactory(slug="elsewhere-ann")
    foreign_group = GroupFactory(community=elsewhere)
    foreign_role = PartnerRole.objects.create(community=elsewhere, name="City")
    for audience in (
        {"kind": Audience.GROUP, "group": foreign_group},
        {"kind": Audience.PARTNER_ROLE, "partner_role": foreign_role},
        {"kind": Audience.COUNTRY, "country": ""},
    ):
        with pytest.raises(services.DiscussionError):
            _send(world, django_capture_on_commit_callbacks, **audience)
    assert not Announcement.objects.exists()


@pytest.mark.django_db(transaction=True)
@override_settings(EMAIL_BACKEND="tests.notifications.mailbox.SlowLocmem")
def test_two_workers_delivering_the_same_announcement_at_once_send_each_email_once():
    require_service(connection.vendor == "postgresql", "PostgreSQL (row locks)")
    community = CommunityFactory(slug="race-ann")
    coordinator = make_member(community, role=Membership.Role.COORDINATOR)
    for _ in range(3):
        make_member(community)
    announcement = services.announcement_send(
        community=community, by=coordinator, audience=AudienceChoice(kind="community"), title="Race", body="Go"
    )
    mail.outbox.clear()  # the on-commit hand-off ran the task once already (eager): start from nothing
    EmailLedger.objects.all().delete()
    results, errors = [], []
    barrier = threading.Barrier(2)

    def deliver():
        try:
            barrier.wait(timeout=10)
            results.append(send_announcement(announcement.pk))
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert sum(results) == 4 == announcement.recipient_count
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        community.memberships.active().community_level().values_list("user__email", flat=True)
    )
    assert EmailLedger.objects.filter(kind="announcement", status=EmailLedger.Status.SENT).count() == 4
