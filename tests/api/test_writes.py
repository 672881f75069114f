"""Writes through the API run the services of the pages: the same rows, the same outbox messages, the same rules."""

import pytest
from django.urls import reverse

from communities.models import Community, Membership
from discussions.models import Announcement, Post, Thread
from knowledge.models import KnowledgeItem
from meetings.models import Registration
from members.models import OutboxMessage
from tests.api.conftest import client_for
from tests.factories import CommunityFactory, GroupFactory, UserFactory, make_member
from tests.meetings.factories import MeetingFactory


@pytest.fixture
def community(db):
    return CommunityFactory(slug="api-cop", visibility=Community.Visibility.MEMBERS)


def _outbox(task_name):
    return list(OutboxMessage.objects.filter(task_name=task_name).values_list("task_name", "args"))


def test_registering_over_the_api_queues_the_same_confirmation_as_the_page(community, client):
    meeting = MeetingFactory(community=community, capacity=5)
    by_page, by_api = make_member(community), make_member(community)
    client.force_login(by_page)
    client.post(reverse("meetings:register", kwargs={"community_slug": community.slug, "meeting_pk": meeting.pk}))
    page_rows = _outbox("meetings.notify_registration")
    assert len(page_rows) == 1
    response = client_for(by_api).post(f"/api/v1/communities/api-cop/meetings/{meeting.pk}/registration/")
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "registered"
    api_rows = _outbox("meetings.notify_registration")
    assert len(api_rows) == 2
    registration = Registration.objects.get(user=by_api)
    assert api_rows[1] == ("meetings.notify_registration", [registration.pk, page_rows[0][1][1]])


def test_capacity_sends_the_next_person_to_the_waitlist_and_a_cancellation_promotes_them(community):
    meeting = MeetingFactory(community=community, capacity=1)
    first, second = make_member(community), make_member(community)
    url = f"/api/v1/communities/api-cop/meetings/{meeting.pk}/registration/"
    first_api, second_api = client_for(first), client_for(second)
    assert first_api.post(url).json()["status"] == "registered"
    response = second_api.post(url)
    assert response.json()["status"] == "waitlisted" and response.json()["position"] == 1
    assert second_api.post(url).json()["status"] == "waitlisted"  # registering twice changes nothing
    assert Registration.objects.filter(user=second).count() == 1
    listed = first_api.get(f"/api/v1/communities/api-cop/meetings/{meeting.pk}/").json()
    assert listed["seats_taken"] == 1 and listed["my_registration"] == "registered"
    assert listed["online_url"] == meeting.online_url
    assert second_api.get(f"/api/v1/communities/api-cop/meetings/{meeting.pk}/").json()["online_url"] is None
    response = first_api.delete(url)
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    assert Registration.objects.get(user=second).status == Registration.Status.REGISTERED
    assert second_api.get(url).json()["status"] == "registered"
    assert first_api.delete(url).status_code == 404  # nothing left to cancel


def test_a_cancelled_meeting_refuses_registration_in_the_error_shape(community):
    meeting = MeetingFactory(community=community, status="cancelled")
    response = client_for(make_member(community)).post(
        f"/api/v1/communities/api-cop/meetings/{meeting.pk}/registration/"
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] != "invalid" and error["message"] and error["fields"] == {}
    assert not Registration.objects.exists()


def test_errors_speak_the_language_of_the_request(community):
    client = client_for(make_member(community))
    response = client.get("/api/v1/communities/api-cop/meetings/999999/", HTTP_ACCEPT_LANGUAGE="it")
    assert response.status_code == 404
    assert response.json()["error"] == {"code": "not_found", "message": "Non trovato.", "fields": {}}
    response = client.post(
        "/api/v1/communities/api-cop/threads/", {"title": ""}, format="json", HTTP_ACCEPT_LANGUAGE="it"
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and set(error["fields"]) == {"title", "body"}
    assert "Questo campo" in error["fields"]["body"][0]


def test_joining_an_approval_community_makes_a_request_a_coordinator_approves(db):
    community = CommunityFactory(slug="asks", join_policy=Community.JoinPolicy.APPROVAL)
    coordinator = make_member(community, role=Membership.Role.COORDINATOR)
    person = UserFactory()
    response = client_for(person).post("/api/v1/me/memberships/", {"community": "asks", "message": "Hi"}, format="json")
    assert response.status_code == 201 and response.json()["status"] == "pending"
    membership = Membership.objects.get(user=person)
    assert OutboxMessage.objects.filter(task_name="communities.notify_request_received").count() == 1
    # a member cannot decide; the coordinator can, and the decision is queued for the requester
    member_api = client_for(make_member(community))
    assert member_api.post(f"/api/v1/communities/asks/memberships/{membership.pk}/approve/").status_code == 404
    coordinator_api = client_for(coordinator)
    listed = coordinator_api.get("/api/v1/communities/asks/memberships/").json()["results"]
    assert membership.pk in [row["id"] for row in listed]
    response = coordinator_api.post(f"/api/v1/communities/asks/memberships/{membership.pk}/approve/")
    assert response.status_code == 200 and response.json()["status"] == "active"
    assert OutboxMessage.objects.filter(task_name="communities.notify_decision").count() == 1
    response = coordinator_api.post(f"/api/v1/communities/asks/memberships/{membership.pk}/decline/")
    assert response.status_code == 400 and response.json()["error"]["code"] == "not_pending"
    mine = client_for(person).get("/api/v1/me/memberships/").json()
    assert [row["status"] for row in mine] == ["active"]
    response = client_for(person).post("/api/v1/me/memberships/leave/", {"community": "asks"}, format="json")
    assert response.json()["status"] == "left"


def test_threads_and_replies_go_through_the_discussion_services(community):
    member = make_member(community)
    api = client_for(member)
    response = api.post(
        "/api/v1/communities/api-cop/threads/", {"title": "Energy plans", "body": "Who has one?"}, format="json"
    )
    assert response.status_code == 201, response.content
    thread = Thread.objects.get()
    assert response.json()["id"] == thread.pk and thread.posts.get().is_opening
    response = api.post(f"/api/v1/communities/api-cop/threads/{thread.pk}/posts/", {"body": "We do."}, format="json")
    assert response.status_code == 201
    assert OutboxMessage.objects.filter(task_name="discussions.notify_post").count() == 2
    posts = api.get(f"/api/v1/communities/api-cop/threads/{thread.pk}/posts/").json()["results"]
    assert [post["body"] for post in posts] == ["Who has one?", "We do."]
    outsider_api = client_for(UserFactory())
    assert (
        outsider_api.post(f"/api/v1/communities/api-cop/threads/{thread.pk}/posts/", {"body": "x"}).status_code == 404
    )
    assert Post.objects.count() == 2


def test_sharing_knowledge_writes_a_draft_with_its_first_revision(community):
    member = make_member(community)
    body = {"kind": "lesson", "title": "What we learnt", "summary": "Short", "body": "Long"}
    response = client_for(member).post("/api/v1/communities/api-cop/knowledge/", body, format="json")
    assert response.status_code == 201, response.content
    item = KnowledgeItem.objects.get()
    assert item.status == KnowledgeItem.Status.DRAFT and item.revisions.count() == 1
    assert response.json()["authors"] == [member.full_name]
    # a draft is its author's: another member does not see it
    other = client_for(make_member(community))
    assert other.get(f"/api/v1/communities/api-cop/knowledge/{item.pk}/").status_code == 404
    response = client_for(member).post(
        "/api/v1/communities/api-cop/knowledge/", {**body, "kind": "nonsense"}, format="json"
    )
    assert response.status_code == 400 and "kind" in response.json()["error"]["fields"]


def test_only_coordinators_send_announcements_and_each_queues_one_outbox_row(community):
    coordinator = make_member(community, role=Membership.Role.COORDINATOR)
    group = GroupFactory(community=community)
    body = {"title": "Plenary", "body": "See you in Rome.", "group": group.slug}
    response = client_for(make_member(community)).post(
        "/api/v1/communities/api-cop/announcements/", body, format="json"
    )
    assert response.status_code == 400 and response.json()["error"]["code"] == "not_a_manager"
    assert not Announcement.objects.exists()
    response = client_for(coordinator).post("/api/v1/communities/api-cop/announcements/", body, format="json")
    assert response.status_code == 201, response.content
    announcement = Announcement.objects.get()
    assert announcement.group == group and response.json()["audience"] == "group"
    assert OutboxMessage.objects.filter(key=f"announcement:{announcement.pk}").count() == 1
