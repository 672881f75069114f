"""Every service that changes what a community's systems care about writes one delivery per endpoint wanting it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from communities.models import Community, Membership, WebhookDelivery
from communities.services import membership_join, membership_leave, membership_remove
from communities.webhooks import emit
from communities.webhooks.services import endpoint_create, endpoint_disable
from knowledge import services as knowledge_services
from meetings import services as meeting_services
from members.models import OutboxMessage
from tests.factories import CommunityFactory, UserFactory, make_member
from tests.knowledge.helpers import make_item


def types(endpoint) -> list[str]:
    return list(WebhookDelivery.objects.filter(endpoint=endpoint).order_by("pk").values_list("event_type", flat=True))


def data(endpoint, event_type) -> dict:
    return WebhookDelivery.objects.filter(endpoint=endpoint, event_type=event_type).latest("pk").payload["data"]


def schedule(community, by, **extra):
    start = (timezone.now() + timedelta(days=7)).replace(microsecond=0)
    fields = {"title": "Webinar", "start": start, "end": start + timedelta(hours=1), "time_zone": "Europe/Rome"}
    return meeting_services.meeting_schedule(community=community, by=by, **{**fields, **extra})


def test_meeting_events_come_from_the_meeting_services(hooked):
    endpoint, coordinator = hooked["endpoint"], hooked["coordinator"]
    meeting = schedule(hooked["community"], coordinator, online_url="https://meet.example.org/secret-room")
    meeting_services.meeting_update(meeting=meeting, by=coordinator, title="Webinar (moved)")
    meeting_services.meeting_update(meeting=meeting, by=coordinator, title="Webinar (moved)")  # nothing changes
    meeting_services.meeting_cancel(meeting=meeting, by=coordinator)
    meeting_services.meeting_cancel(meeting=meeting, by=coordinator)  # cancelling twice announces once
    assert types(endpoint) == ["meeting.created", "meeting.changed", "meeting.cancelled"]
    assert data(endpoint, "meeting.changed")["meeting"]["title"] == "Webinar (moved)"
    assert data(endpoint, "meeting.cancelled")["meeting"]["status"] == "cancelled"
    payloads = " ".join(str(row.payload) for row in WebhookDelivery.objects.filter(endpoint=endpoint))
    assert "secret-room" not in payloads, "the online link is for registered people only"
    assert OutboxMessage.objects.filter(task_name="communities.deliver_webhook").count() == 3


def test_registration_events_carry_no_hidden_email(hooked):
    endpoint, community = hooked["endpoint"], hooked["community"]
    meeting = schedule(community, hooked["coordinator"])
    quiet = make_member(community, UserFactory(full_name="Quinn Quiet", email="quinn@example.org", show_email=False))
    open_ = make_member(community, UserFactory(full_name="Olga Open", email="olga@example.org", show_email=True))
    registration = meeting_services.registration_create(meeting=meeting, user=quiet)
    meeting_services.registration_create(meeting=meeting, user=open_)
    meeting_services.registration_cancel(registration=registration, by=quiet)
    assert types(endpoint)[-3:] == ["registration.created", "registration.created", "registration.cancelled"]
    rows = WebhookDelivery.objects.filter(endpoint=endpoint, event_type__startswith="registration.").order_by("pk")
    quinn, olga, cancelled = (row.payload["data"] for row in rows)
    assert quinn["person"] == {"id": quiet.pk, "name": "Quinn Quiet", "email": None}
    assert olga["person"]["email"] == "olga@example.org", "shown to members, so to the community's systems"
    assert cancelled["registration"]["status"] == "cancelled"
    assert quinn["meeting"]["id"] == meeting.pk
    assert "quinn@example.org" not in str([row.payload for row in rows])


def test_member_events_come_from_joining_leaving_and_removal(hooked):
    endpoint, community, coordinator = hooked["endpoint"], hooked["community"], hooked["coordinator"]
    person = UserFactory(full_name="Nadia Nuova", email="nadia@example.org")
    membership_join(user=person, community=community)
    membership_join(user=person, community=community)  # joining twice changes nothing
    membership_leave(user=person, community=community)
    other = make_member(community, UserFactory(full_name="Rita Removed"))
    membership_remove(membership=Membership.objects.get(user=other, community=community, group=None), by=coordinator)
    assert types(endpoint) == ["member.joined", "member.left", "member.joined", "member.left"]
    joined = WebhookDelivery.objects.filter(endpoint=endpoint, event_type="member.joined").earliest("pk").payload
    assert joined["data"]["person"] == {"id": person.pk, "name": "Nadia Nuova", "email": None}
    assert joined["data"]["how"] == "joined"
    assert data(endpoint, "member.left")["how"] == "removed"


def test_publishing_an_item_is_announced_once(hooked):
    endpoint, community = hooked["endpoint"], hooked["community"]
    author = make_member(community, UserFactory(full_name="Ada Author"))
    draft = make_item(community, author=author, title="Draft lessons", published=False)
    assert "item.published" not in types(endpoint), "a draft is not announced"
    knowledge_services.item_publish(item=draft, by=author)
    knowledge_services.item_publish(item=draft, by=author)
    make_item(community, author=author, title="Published at once")
    published = WebhookDelivery.objects.filter(endpoint=endpoint, event_type="item.published").order_by("pk")
    assert [row.payload["data"]["item"]["title"] for row in published] == ["Draft lessons", "Published at once"]
    assert published[0].payload["data"]["item"]["authors"] == [{"name": "Ada Author", "affiliation": ""}]


def test_only_active_endpoints_of_the_community_that_want_the_event_get_it(hooked, allow_local):
    community, coordinator = hooked["community"], hooked["coordinator"]
    meetings_only = endpoint_create(
        community=community, by=coordinator, url="https://example.org/meetings", events=["meeting.created"]
    )
    members_only = endpoint_create(
        community=community, by=coordinator, url="https://example.org/members", events=["member.joined"]
    )
    disabled = endpoint_create(
        community=community, by=coordinator, url="https://example.org/off", events=["meeting.created"]
    )
    endpoint_disable(endpoint=disabled, by=coordinator)
    elsewhere = CommunityFactory(visibility=Community.Visibility.PUBLIC)
    stranger = make_member(elsewhere, role=Membership.Role.COORDINATOR)
    other = endpoint_create(
        community=elsewhere, by=stranger, url="https://example.org/other", events=["meeting.created"]
    )
    schedule(community, coordinator)
    assert types(meetings_only) == ["meeting.created"]
    assert types(members_only) == []
    assert types(disabled) == []
    assert types(other) == []
    event_ids = set(WebhookDelivery.objects.filter(event_type="meeting.created").values_list("event_id", flat=True))
    assert len(event_ids) == 1, "one event, one id, one row per endpoint"


def test_a_rolled_back_change_sends_nothing(hooked):
    with pytest.raises(RuntimeError), transaction.atomic():
        schedule(hooked["community"], hooked["coordinator"])
        raise RuntimeError("the request failed after the meeting was saved")
    assert types(hooked["endpoint"]) == []
    assert not OutboxMessage.objects.filter(task_name="communities.deliver_webhook").exists()


def test_a_community_without_endpoints_pays_one_query(db, django_assert_num_queries):
    community = CommunityFactory()
    with django_assert_num_queries(1):
        assert emit(community=community, event="meeting.created", data=lambda: pytest.fail("not built")) is None


def test_erasing_an_account_blanks_the_person_in_every_payload(hooked):
    from cop_portal.privacy.erasure import person_erase

    endpoint, community = hooked["endpoint"], hooked["community"]
    meeting = schedule(community, hooked["coordinator"])
    person = UserFactory(full_name="Erin Erased", email="erin@example.org", show_email=True)
    membership_join(user=person, community=community)
    meeting_services.registration_create(meeting=meeting, user=person)
    assert "Erin Erased" in str(list(WebhookDelivery.objects.values_list("payload", flat=True)))

    person_erase(person=person, by=person)

    payloads = str(list(WebhookDelivery.objects.filter(endpoint=endpoint).values_list("payload", flat=True)))
    assert "Erin" not in payloads and "erin@example.org" not in payloads
    cancelled = data(endpoint, "registration.cancelled")
    assert cancelled["person"] == {"id": person.pk, "name": "", "email": None}, "the seat freed is still announced"


def test_every_registration_path_is_announced(hooked):
    """Organisers registering someone, declines, walk-ins and applications are registrations too."""
    from meetings.models import Meeting
    from tests.meetings.factories import MeetingFactory

    endpoint, community, coordinator = hooked["endpoint"], hooked["community"], hooked["coordinator"]
    meeting = schedule(community, coordinator)
    invited = make_member(community, UserFactory(full_name="Ines Invited"))
    registration = meeting_services.registration_invite(meeting=meeting, user=invited, by=coordinator)
    meeting_services.registration_invite(meeting=meeting, user=invited, by=coordinator)  # again: nothing new
    meeting_services.registration_decline(registration=registration, by=coordinator)
    assert data(endpoint, "registration.created")["person"]["name"] == "Ines Invited"
    assert data(endpoint, "registration.cancelled")["registration"]["status"] == "declined"

    started = timezone.now() - timedelta(hours=1)
    held = MeetingFactory(community=community, start=started, end=started + timedelta(hours=2))
    meeting_services.walk_in_add(meeting=held, by=coordinator, name="Walter Walkin")
    walk_in = data(endpoint, "registration.created")
    assert (walk_in["meeting"]["id"], walk_in["person"]["name"]) == (held.pk, "Walter Walkin")

    school = MeetingFactory(
        community=community,
        visibility=Meeting.Visibility.MEMBERS,
        registration_policy=Meeting.RegistrationPolicy.APPLICATIONS,
        start=timezone.now() + timedelta(days=60),
        end=timezone.now() + timedelta(days=61),
        registration_deadline=timezone.now() + timedelta(days=30),
    )
    applicant = make_member(community, UserFactory(full_name="Ada Applicant"))
    application = meeting_services.application_submit(meeting=school, user=applicant, answers={})
    assert data(endpoint, "registration.created")["registration"]["status"] == "pending"
    meeting_services.application_withdraw(registration=application, by=applicant)
    assert data(endpoint, "registration.cancelled")["registration"]["status"] == "cancelled"
    registrations = [event for event in types(endpoint) if event.startswith("registration.")]
    assert registrations == [
        "registration.created",
        "registration.cancelled",
        "registration.created",
        "registration.created",
        "registration.cancelled",
    ]
