"""The co-organisers page of a meeting: who may name and remove them, the member search, and what a grant allows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communities.models import Community, CommunityEvent, Membership
from meetings.models import Meeting
from meetings.services import meeting_add_coorganiser
from tests.factories import CommunityFactory, GroupFactory, UserFactory, make_member
from tests.meetings.factories import MeetingFactory

pytestmark = pytest.mark.django_db

Action = CommunityEvent.Action


def url(name, meeting, **kwargs):
    return reverse(f"meetings:{name}", kwargs={"community_slug": meeting.community.slug, "meeting_pk": meeting.pk})


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def meeting(community, group):
    return MeetingFactory(community=community, group=group, title="Exchange in Sfax")


@pytest.fixture
def officer(community):
    return make_member(community, UserFactory(full_name="Omar Officer", email="omar@sfax.example.org"))


def test_a_coordinator_names_a_member_who_then_manages_the_meeting(client, coordinator, meeting, officer):
    client.force_login(coordinator)
    assert url("coorganisers", meeting) in client.get(meeting.get_absolute_url()).content.decode()
    response = client.get(url("coorganisers", meeting), {"q": "omar"})
    assert [person.pk for person in response.context["candidates"]] == [officer.pk]

    response = client.post(url("coorganiser_add", meeting), {"user": officer.pk}, follow=True)

    assert messages_of(response) == ["Omar Officer can now organise this meeting."]
    assert [person.pk for person in response.context["coorganisers"]] == [officer.pk]
    event = CommunityEvent.objects.get()
    assert (event.action, event.actor, event.group, event.target) == (
        Action.CO_ORGANISER_ADDED,
        coordinator,
        meeting.group,
        "Omar Officer · Exchange in Sfax",
    )
    client.force_login(officer)
    edit = client.get(url("edit", meeting))
    assert edit.status_code == 200
    assert url("edit", meeting) in client.get(meeting.get_absolute_url()).content.decode()
    # A co-organiser manages the meeting but does not name others.
    assert url("coorganisers", meeting) not in client.get(meeting.get_absolute_url()).content.decode()
    assert client.get(url("coorganisers", meeting)).status_code == 404


def test_a_removed_co_organiser_can_no_longer_edit(client, coordinator, meeting, officer):
    meeting_add_coorganiser(meeting=meeting, user=officer, by=coordinator)
    client.force_login(coordinator)

    response = client.post(url("coorganiser_remove", meeting), {"user": officer.pk}, follow=True)

    assert messages_of(response) == ["Omar Officer no longer co-organises this meeting."]
    assert response.context["coorganisers"] == []
    assert list(CommunityEvent.objects.order_by("pk").values_list("action", flat=True)) == [
        Action.CO_ORGANISER_ADDED,
        Action.CO_ORGANISER_REMOVED,
    ]
    client.force_login(officer)
    response = client.get(url("edit", meeting))
    assert response.status_code == 302 and response["Location"] == meeting.get_absolute_url()
    client.post(url("cancel", meeting))
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.SCHEDULED


def test_the_facilitator_of_the_meetings_group_names_co_organisers(client, facilitator, meeting, officer):
    client.force_login(facilitator)
    assert client.get(url("coorganisers", meeting)).status_code == 200
    client.post(url("coorganiser_add", meeting), {"user": officer.pk})
    assert Meeting.objects.manageable_by(officer).filter(pk=meeting.pk).exists()
    assert CommunityEvent.objects.get().actor == facilitator


@pytest.mark.parametrize("viewer", ["other facilitator", "member", "outsider"])
def test_nobody_else_opens_the_page_or_acts(client, community, coordinator, meeting, officer, viewer):
    other_group = GroupFactory(community=community)
    people = {
        "other facilitator": make_member(community, role=Membership.Role.FACILITATOR, group=other_group),
        "member": make_member(community),
        "outsider": UserFactory(),
    }
    helper = make_member(community)
    meeting_add_coorganiser(meeting=meeting, user=helper, by=coordinator)
    CommunityEvent.objects.all().delete()
    client.force_login(people[viewer])

    assert client.get(url("coorganisers", meeting)).status_code == 404
    assert client.post(url("coorganiser_add", meeting), {"user": officer.pk}).status_code == 404
    assert client.post(url("coorganiser_remove", meeting), {"user": helper.pk}).status_code == 404
    assert not Meeting.objects.manageable_by(officer).filter(pk=meeting.pk).exists()
    assert Meeting.objects.manageable_by(helper).filter(pk=meeting.pk).exists()
    assert not CommunityEvent.objects.exists()


def test_outsiders_accounts_are_never_found_or_named(client, coordinator, meeting):
    stranger = UserFactory(full_name="Omar Stranger", email="stranger@example.org")
    client.force_login(coordinator)

    assert client.get(url("coorganisers", meeting), {"q": "omar"}).context["candidates"] == []
    assert client.get(url("coorganisers", meeting), {"q": "stranger@example.org"}).context["candidates"] == []
    response = client.post(url("coorganiser_add", meeting), {"user": stranger.pk}, follow=True)
    assert messages_of(response) == ["Choose a member of the community from the search results."]
    assert not Meeting.objects.manageable_by(stranger).exists()
    assert not CommunityEvent.objects.exists()


def test_members_are_found_by_full_email_and_unlisted_ones_only_by_coordinators(
    client, community, coordinator, facilitator, meeting
):
    hidden = make_member(community, UserFactory(full_name="Hana Hidden", email="hana@example.org"))
    hidden.listed_in_directory = False
    hidden.save()
    client.force_login(coordinator)
    assert client.get(url("coorganisers", meeting), {"q": "hana"}).context["candidates"] == [hidden]
    client.force_login(facilitator)
    assert client.get(url("coorganisers", meeting), {"q": "hana"}).context["candidates"] == []
    assert client.get(url("coorganisers", meeting), {"q": "HANA@example.org"}).context["candidates"] == [hidden]
    assert client.get(url("coorganisers", meeting), {"q": "example.org"}).context["candidates"] == []


def test_naming_twice_records_one_event(client, coordinator, meeting, officer):
    client.force_login(coordinator)
    client.post(url("coorganiser_add", meeting), {"user": officer.pk})
    client.post(url("coorganiser_add", meeting), {"user": officer.pk})
    client.post(url("coorganiser_remove", meeting), {"user": officer.pk})
    response = client.post(url("coorganiser_remove", meeting), {"user": officer.pk}, follow=True)
    assert messages_of(response)[-1] == "This person no longer co-organises the meeting."
    assert sorted(CommunityEvent.objects.values_list("action", flat=True)) == [
        Action.CO_ORGANISER_ADDED,
        Action.CO_ORGANISER_REMOVED,
    ]


def test_a_meeting_of_a_hidden_community_answers_outsiders_404(client):
    hidden = CommunityFactory(visibility=Community.Visibility.HIDDEN)
    meeting = MeetingFactory(community=hidden)
    client.force_login(UserFactory())
    assert client.get(url("coorganisers", meeting)).status_code == 404


def test_the_page_costs_the_same_queries_for_few_or_many(client, community, coordinator, meeting):
    client.force_login(coordinator)
    for _ in range(2):
        meeting_add_coorganiser(meeting=meeting, user=make_member(community), by=coordinator)
    client.get(url("coorganisers", meeting), {"q": "person"})
    with CaptureQueriesContext(connection) as few:
        client.get(url("coorganisers", meeting), {"q": "person"})
    for _ in range(8):
        meeting_add_coorganiser(meeting=meeting, user=make_member(community), by=coordinator)
        make_member(community)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url("coorganisers", meeting), {"q": "person"})
    assert len(response.context["coorganisers"]) == 10 and len(response.context["candidates"]) >= 8
    assert len(many.captured_queries) == len(few.captured_queries)
