"""The API's organiser and coordinator writes (issue 18): meetings, groups, knowledge items, memberships.

Each runs the service of the page: the same rows, history and outbox messages; a member without the right
gets 403 (or 404 where they cannot find the thing), an outsider 404, bad input 400 in the error shape.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from communities.models import Community, CommunityEvent, Group, Membership, MembershipEvent
from knowledge.models import KnowledgeItem
from knowledge.services import item_create
from meetings.models import Meeting
from members.models import OutboxMessage
from tests.api.conftest import client_for
from tests.factories import CommunityFactory, GroupFactory, UserFactory, make_member
from tests.meetings.factories import MeetingFactory, RegistrationFactory

BASE = "/api/v1/communities/api-cop"


@pytest.fixture
def community(db):
    return CommunityFactory(slug="api-cop", visibility=Community.Visibility.MEMBERS)


@pytest.fixture
def coordinator(community):
    return make_member(community, role=Membership.Role.COORDINATOR)


def _assert_error(response, status, field=None):
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert set(error) == {"code", "message", "fields"} and error["message"]
    if field:
        assert field in error["fields"], error


def _meeting_body(**overrides):
    start = (timezone.now() + timedelta(days=10)).replace(microsecond=0, second=0)
    body = {
        "title": "Energy plenary",
        "format": "online",
        "online_url": "https://meet.example.org/plenary",
        "start": start.isoformat(),
        "end": (start + timedelta(hours=2)).isoformat(),
        "time_zone": "Europe/Rome",
    }
    return {**body, **overrides}


# --- Meetings -------------------------------------------------------------------------------------


def test_a_coordinator_schedules_a_meeting_through_the_service(community, coordinator):
    response = client_for(coordinator).post(f"{BASE}/meetings/", _meeting_body(), format="json")
    assert response.status_code == 201, response.content
    meeting = Meeting.objects.get()
    assert response.json()["id"] == meeting.pk and response.json()["title"] == "Energy plenary"
    assert meeting.community == community and meeting.created_by == coordinator
    assert meeting.language == community.default_language  # the service's default
    assert meeting.status == Meeting.Status.SCHEDULED


def test_scheduling_is_refused_to_members_outsiders_and_bad_input(community, coordinator):
    _assert_error(client_for(make_member(community)).post(f"{BASE}/meetings/", _meeting_body(), format="json"), 403)
    _assert_error(client_for(UserFactory()).post(f"{BASE}/meetings/", _meeting_body(), format="json"), 404)
    api = client_for(coordinator)
    _assert_error(api.post(f"{BASE}/meetings/", _meeting_body(title=""), format="json"), 400, "title")
    body = _meeting_body()
    body["end"] = body["start"]  # the service checks that it ends after it starts
    response = api.post(f"{BASE}/meetings/", body, format="json")
    assert response.status_code == 400 and response.json()["error"]["message"], response.content
    _assert_error(api.post(f"{BASE}/meetings/", _meeting_body(group="nope"), format="json"), 400, "group")
    assert not Meeting.objects.exists()


def test_a_facilitator_schedules_only_for_their_group(community):
    group, other = GroupFactory(community=community), GroupFactory(community=community)
    facilitator = make_member(community)
    make_member(community, facilitator, role=Membership.Role.FACILITATOR, group=group)
    api = client_for(facilitator)
    _assert_error(api.post(f"{BASE}/meetings/", _meeting_body(), format="json"), 400, "group")
    _assert_error(api.post(f"{BASE}/meetings/", _meeting_body(group=other.slug), format="json"), 400, "group")
    assert not Meeting.objects.exists()
    response = api.post(f"{BASE}/meetings/", _meeting_body(group=group.slug), format="json")
    assert response.status_code == 201, response.content
    assert Meeting.objects.get().group == group and response.json()["group"] == group.slug


def test_changing_a_meeting_tells_registered_people_and_only_organisers_may(community, coordinator):
    meeting = MeetingFactory(community=community, visibility=Meeting.Visibility.MEMBERS)
    RegistrationFactory(meeting=meeting, user=make_member(community))
    url = f"{BASE}/meetings/{meeting.pk}/"
    new_start = meeting.start + timedelta(days=1)
    body = {"start": new_start.isoformat(), "end": (new_start + timedelta(hours=1)).isoformat()}
    _assert_error(client_for(make_member(community)).patch(url, body, format="json"), 403)
    _assert_error(client_for(UserFactory()).patch(url, body, format="json"), 404)
    _assert_error(client_for(coordinator).patch(url, {"capacity": 0}, format="json"), 400, "capacity")
    assert Meeting.objects.get().sequence == meeting.sequence
    response = client_for(coordinator).patch(url, body, format="json")
    assert response.status_code == 200, response.content
    meeting.refresh_from_db()
    assert meeting.start == new_start and meeting.sequence == 1
    assert OutboxMessage.objects.filter(key=f"meeting-updated:{meeting.pk}:1").count() == 1


def test_cancelling_a_meeting_queues_the_notice_once(community, coordinator):
    meeting = MeetingFactory(community=community, visibility=Meeting.Visibility.MEMBERS)
    url = f"{BASE}/meetings/{meeting.pk}/cancel/"
    _assert_error(client_for(make_member(community)).post(url), 403)
    _assert_error(client_for(UserFactory()).post(url), 404)
    assert Meeting.objects.get().status == Meeting.Status.SCHEDULED
    api = client_for(coordinator)
    response = api.post(url)
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    assert api.post(url).status_code == 200  # twice: nothing more
    assert OutboxMessage.objects.filter(key=f"meeting-cancelled:{meeting.pk}").count() == 1
    assert api.get(url).status_code == 405


# --- Groups ---------------------------------------------------------------------------------------


def test_a_coordinator_creates_and_changes_a_group_with_its_history(community, coordinator):
    api = client_for(coordinator)
    response = api.post(f"{BASE}/groups/", {"name": "Heat pumps", "description": "Pumps."}, format="json")
    assert response.status_code == 201, response.content
    group = Group.objects.get(community=community)
    assert response.json()["slug"] == group.slug and group.name == "Heat pumps"
    assert CommunityEvent.objects.filter(action=CommunityEvent.Action.GROUP_CREATED, group=group).count() == 1
    response = api.patch(f"{BASE}/groups/{group.slug}/", {"description": "Pumps and more."}, format="json")
    assert response.status_code == 200 and response.json()["description"] == "Pumps and more."
    assert CommunityEvent.objects.filter(action=CommunityEvent.Action.GROUP_UPDATED, group=group).count() == 1


def test_group_writes_are_refused_to_members_outsiders_and_bad_input(community, coordinator):
    group = GroupFactory(community=community, name="Solar")
    member_api, outsider_api, api = (
        client_for(make_member(community)),
        client_for(UserFactory()),
        client_for(coordinator),
    )
    _assert_error(member_api.post(f"{BASE}/groups/", {"name": "Mine"}, format="json"), 403)
    _assert_error(member_api.patch(f"{BASE}/groups/{group.slug}/", {"name": "Mine"}, format="json"), 403)
    _assert_error(outsider_api.post(f"{BASE}/groups/", {"name": "Mine"}, format="json"), 404)
    _assert_error(outsider_api.patch(f"{BASE}/groups/{group.slug}/", {"name": "Mine"}, format="json"), 404)
    _assert_error(api.post(f"{BASE}/groups/", {"name": ""}, format="json"), 400, "name")
    _assert_error(api.post(f"{BASE}/groups/", {"name": "X", "kind": "nonsense"}, format="json"), 400, "kind")
    _assert_error(api.post(f"{BASE}/groups/", {"name": "Solar"}, format="json"), 400, "name")  # the service: taken
    _assert_error(api.patch(f"{BASE}/groups/{group.slug}/", {"visibility": "x"}, format="json"), 400, "visibility")
    assert list(Group.objects.values_list("name", flat=True)) == ["Solar"]
    assert not CommunityEvent.objects.filter(action__in=["group_created", "group_updated"]).exists()


# --- Knowledge items ------------------------------------------------------------------------------


@pytest.fixture
def draft(community):
    author = make_member(community)
    return item_create(community=community, by=author, kind="lesson", title="Draft", summary="S", body="B")


def test_the_author_changes_and_publishes_their_item_with_revisions(community, draft):
    api = client_for(draft.created_by)
    url = f"{BASE}/knowledge/{draft.pk}/"
    response = api.patch(url, {"title": "Lessons learnt", "body": "Longer"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["title"] == "Lessons learnt" and draft.revisions.count() == 2
    response = api.post(f"{url}publish/")
    assert response.status_code == 200 and response.json()["status"] == "published"
    draft.refresh_from_db()
    assert draft.status == KnowledgeItem.Status.PUBLISHED and draft.published_at is not None
    assert draft.revisions.count() == 3
    assert api.post(f"{url}publish/").status_code == 200 and draft.revisions.count() == 3  # twice: nothing more


def test_item_writes_are_refused_to_non_editors_outsiders_and_bad_input(community, coordinator, draft):
    url = f"{BASE}/knowledge/{draft.pk}/"
    member_api = client_for(make_member(community))
    _assert_error(member_api.patch(url, {"title": "Mine"}, format="json"), 404)  # a draft: not theirs to see
    _assert_error(client_for(UserFactory()).post(f"{url}publish/"), 404)
    api = client_for(draft.created_by)
    _assert_error(api.patch(url, {"kind": "nonsense"}, format="json"), 400, "kind")
    _assert_error(api.patch(url, {"title": ""}, format="json"), 400, "title")
    draft.refresh_from_db()
    assert draft.title == "Draft" and draft.revisions.count() == 1
    # published, the item shows to members, who still may not change it
    client_for(coordinator).post(f"{url}publish/")
    _assert_error(member_api.patch(url, {"title": "Mine"}, format="json"), 403)
    draft.refresh_from_db()
    assert draft.title == "Draft"


# --- Memberships ----------------------------------------------------------------------------------


def test_a_coordinator_changes_a_role_and_removes_a_member(community, coordinator):
    member = make_member(community)
    membership = Membership.objects.get(user=member, group=None)
    api = client_for(coordinator)
    url = f"{BASE}/memberships/{membership.pk}/"
    response = api.patch(url, {"role": "facilitator"}, format="json")
    assert response.status_code == 200 and response.json()["role"] == "facilitator"
    event = MembershipEvent.objects.get(membership=membership, action=MembershipEvent.Action.ROLE_CHANGED)
    assert OutboxMessage.objects.filter(key=f"membership-event:{event.pk}").count() == 1
    response = api.delete(url, {"reason": "Moved on"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "left"
    membership.refresh_from_db()
    assert membership.status == Membership.Status.LEFT and membership.decision_reason == "Moved on"
    assert MembershipEvent.objects.filter(membership=membership, action=MembershipEvent.Action.REMOVED).count() == 1


def test_membership_writes_are_refused_to_members_outsiders_and_bad_input(community, coordinator):
    member = make_member(community)
    membership = Membership.objects.get(user=member, group=None)
    url = f"{BASE}/memberships/{membership.pk}/"
    other_api = client_for(make_member(community))
    _assert_error(other_api.patch(url, {"role": "coordinator"}, format="json"), 404)
    _assert_error(other_api.delete(url), 404)
    _assert_error(client_for(member).patch(url, {"role": "coordinator"}, format="json"), 404)  # not oneself
    _assert_error(client_for(UserFactory()).delete(url), 404)
    api = client_for(coordinator)
    _assert_error(api.patch(url, {"role": "king"}, format="json"), 400, "role")
    own = Membership.objects.get(user=coordinator, group=None)
    response = api.patch(f"{BASE}/memberships/{own.pk}/", {"role": "member"}, format="json")
    assert response.status_code == 400  # the last coordinator stays (the service's rule)
    membership.refresh_from_db()
    own.refresh_from_db()
    assert membership.role == "member" and membership.status == "active" and own.role == "coordinator"
    assert not MembershipEvent.objects.filter(action__in=["role_changed", "removed"]).exists()


def test_an_items_themes_are_read_written_and_replaced_through_the_api(community, draft):
    api = client_for(draft.created_by)
    body = {"kind": "lesson", "title": "Water", "themes": ["Water management", " water  MANAGEMENT ", "Drought"]}
    response = api.post(f"{BASE}/knowledge/", body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["themes"] == ["Drought", "Water management"], "trimmed, repeats dropped"
    url = f"{BASE}/knowledge/{response.json()['id']}/"
    response = api.patch(url, {"themes": ["Local development"]}, format="json")
    assert response.status_code == 200 and response.json()["themes"] == ["Local development"]
    assert api.get(url).json()["themes"] == ["Local development"]
    assert api.patch(url, {"title": "Water (2)"}, format="json").json()["themes"] == ["Local development"]
    _assert_error(api.patch(url, {"themes": ["x" * 500]}, format="json"), 400, "themes")
    _assert_error(api.patch(url, {"themes": [f"theme {n}" for n in range(60)]}, format="json"), 400, "themes")
    assert api.get(url).json()["themes"] == ["Local development"], "bad input changes nothing"
