"""Announcement pages over HTTP: the two-step form, who may use it, the list and page, the settings switch."""

import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from communities.models import Community, Membership, PartnerRole
from discussions.models import Announcement
from discussions.services import AudienceChoice, announcement_send
from members.models import EmailLedger, NotificationPreference, OutboxMessage
from members.tokens import STREAM_ANNOUNCEMENTS, make_unsubscribe_token
from tests.factories import CommunityFactory, GroupFactory, UserFactory, make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def community(db):
    return CommunityFactory(slug="step-ann", name="STEP", visibility=Community.Visibility.MEMBERS)


@pytest.fixture
def coordinator(community):
    return make_member(community, UserFactory(full_name="Cora"), role=Membership.Role.COORDINATOR)


@pytest.fixture
def team(community):
    return GroupFactory(community=community, name="Team A")


@pytest.fixture
def facilitator(community, team):
    person = make_member(community, UserFactory(full_name="Fadi"))
    return make_member(community, person, group=team, role=Membership.Role.FACILITATOR)


@pytest.fixture
def members(community, team):
    people = [make_member(community) for _ in range(3)]
    make_member(community, people[0], group=team)
    return people


def new_url(community):
    return f"/c/{community.slug}/announcements/new/"


def _form(client, community):
    response = client.get(new_url(community))
    assert response.status_code == 200
    return re.search(r'name="nonce"[^>]*value="([^"]+)"', response.content.decode()).group(1)


def _data(nonce, **extra):
    return {
        "audience": "community",
        "title": "Summer school",
        "body": "Registrations *open* today.",
        "nonce": nonce,
        **extra,
    }


def test_the_preview_shows_the_count_and_sending_emails_exactly_that_many(
    client, community, coordinator, members, django_capture_on_commit_callbacks
):
    NotificationPreference.objects.create(user=members[2], announcements_enabled=False)
    client.force_login(coordinator)
    nonce = _form(client, community)
    preview = client.post(new_url(community), _data(nonce))
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "Send to 3 people" in page  # Cora and two members; the third turned announcements off
    assert "<em>open</em>" in page
    assert not Announcement.objects.exists() and not mail.outbox
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(new_url(community), _data(nonce, confirm="1"))
    announcement = Announcement.objects.get()
    assert sent.status_code == 302 and sent["Location"] == announcement.get_absolute_url()
    assert announcement.recipient_count == 3 == len(mail.outbox)
    assert EmailLedger.objects.filter(kind="announcement", status="sent").count() == 3
    assert members[2].email not in [message.to[0] for message in mail.outbox]


def test_a_double_submitted_send_makes_one_announcement(
    client, community, coordinator, members, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    nonce = _form(client, community)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(new_url(community), _data(nonce, confirm="1"))
        client.post(new_url(community), _data(nonce, confirm="1", title="Summer school!"))
    assert Announcement.objects.count() == 1
    assert len(mail.outbox) == 4


def test_a_member_is_refused_the_form_and_nothing_is_sent(client, community, members):
    client.force_login(members[0])
    assert client.get(new_url(community)).status_code == 404
    assert client.post(new_url(community), _data("x", confirm="1")).status_code == 404
    assert not Announcement.objects.exists() and not OutboxMessage.objects.exists() and not mail.outbox


def test_a_visitor_is_sent_to_sign_in(client, community):
    response = client.get(new_url(community))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_facilitator_sends_to_their_group_only(
    client, community, team, facilitator, members, django_capture_on_commit_callbacks
):
    other_team = GroupFactory(community=community, name="Team B")
    client.force_login(facilitator)
    nonce = _form(client, community)
    page = client.get(new_url(community)).content.decode()
    assert "Team A" in page and "Team B" not in page and 'value="community"' not in page
    refused = client.post(new_url(community), _data(nonce, confirm="1"))
    assert refused.status_code == 400
    refused = client.post(new_url(community), _data(nonce, audience="group", group=other_team.pk, confirm="1"))
    assert refused.status_code == 400
    assert not Announcement.objects.exists()
    preview = client.post(new_url(community), _data(nonce, audience="group", group=team.pk))
    assert "Send to 2 people" in preview.content.decode()  # Fadi and the member of Team A
    with django_capture_on_commit_callbacks(execute=True):
        client.post(new_url(community), _data(nonce, audience="group", group=team.pk, confirm="1"))
    assert Announcement.objects.get().group == team
    assert sorted(m.to[0] for m in mail.outbox) == sorted([facilitator.email, members[0].email])


def test_a_missing_choice_or_title_is_explained_and_sends_nothing(client, community, coordinator, members):
    client.force_login(coordinator)
    nonce = _form(client, community)
    response = client.post(new_url(community), _data(nonce, audience="partner_role", confirm="1"))
    assert response.status_code == 400
    assert "Choose a partner role of this community." in response.content.decode()
    response = client.post(new_url(community), _data(nonce, title="", confirm="1"))
    assert response.status_code == 400
    assert not Announcement.objects.exists() and not mail.outbox


def test_a_partner_role_and_a_country_are_offered_to_coordinators(client, community, coordinator, members):
    PartnerRole.objects.create(community=community, name="Municipality")
    members[1].country = "LY"
    members[1].save()
    client.force_login(coordinator)
    page = client.get(new_url(community)).content.decode()
    assert "Municipality" in page and "Libya" in page
    preview = client.post(new_url(community), _data(_form(client, community), audience="country", country="LY"))
    assert "Send to 1 person" in preview.content.decode()


def test_change_it_goes_back_to_the_filled_form(client, community, coordinator):
    client.force_login(coordinator)
    response = client.post(new_url(community), _data(_form(client, community), edit="1"))
    assert response.status_code == 200
    assert 'value="Summer school"' in response.content.decode()
    assert not Announcement.objects.exists()


def _announce(community, coordinator, count, start=0):
    for number in range(start, start + count):
        announcement_send(
            community=community,
            by=coordinator,
            audience=AudienceChoice(kind="community"),
            title=f"News {number}",
            body="Body",
        )


def test_the_list_runs_the_same_queries_for_few_and_many(
    client, community, coordinator, members, team, django_assert_num_queries
):
    reader = members[1]
    client.force_login(reader)
    _announce(community, coordinator, 1)
    url = f"/c/{community.slug}/announcements/"
    client.get(url)  # warm the session and site caches
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _announce(community, coordinator, 30, start=1)
    Announcement.objects.filter(title="News 3").update(audience="group", group=team)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert "News 30" in response.content.decode() and 'rel="next"' in response.content.decode()


def test_members_read_the_list_and_page_and_outsiders_get_404(client, community, coordinator, members):
    _announce(community, coordinator, 1)
    announcement = Announcement.objects.get()
    client.force_login(members[2])
    assert "News 0" in client.get(f"/c/{community.slug}/announcements/").content.decode()
    page = client.get(announcement.get_absolute_url())
    assert page.status_code == 200 and "The whole community" in page.content.decode()
    client.force_login(make_member(CommunityFactory(slug="elsewhere")))
    assert client.get(announcement.get_absolute_url()).status_code == 404
    assert client.get(f"/c/{community.slug}/announcements/").status_code == 404
    other = CommunityFactory(slug="other-public")
    assert client.get(f"/c/{other.slug}/announcements/{announcement.pk}/").status_code == 404


def test_a_member_who_left_loses_the_announcements_at_once(client, community, coordinator, members):
    _announce(community, coordinator, 1)
    announcement = Announcement.objects.get()
    client.force_login(members[2])
    assert client.get(announcement.get_absolute_url()).status_code == 200
    Membership.objects.filter(user=members[2], community=community).update(status=Membership.Status.LEFT)
    assert client.get(announcement.get_absolute_url()).status_code == 404


def test_announcements_are_switched_off_on_the_notifications_page(client, members):
    person = members[0]
    client.force_login(person)
    page = client.get("/me/notifications/").content.decode()
    assert 'name="announcements_enabled"' in page
    response = client.post("/me/notifications/", {"digest_frequency": "weekly", "reminder_offsets": []})
    assert response.status_code == 302
    assert NotificationPreference.objects.get(user=person).announcements_enabled is False
    client.post("/me/notifications/", {"digest_frequency": "weekly", "announcements_enabled": "on"})
    assert NotificationPreference.objects.get(user=person).announcements_enabled is True


def test_the_one_click_unsubscribe_of_an_announcement_turns_announcements_off(client, members):
    person = members[0]
    token = make_unsubscribe_token(stream=STREAM_ANNOUNCEMENTS, user_id=person.pk)
    page = client.get(f"/unsubscribe/{token}/")
    assert "announcements" in page.content.decode()
    assert client.post(f"/unsubscribe/{token}/").status_code == 200
    preference = NotificationPreference.objects.get(user=person)
    assert preference.announcements_enabled is False and preference.updates_enabled is True
