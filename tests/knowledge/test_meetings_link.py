"""Knowledge and meetings: the meeting an item came from, and comments on meetings through the partial."""

from datetime import timedelta

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from knowledge import services
from knowledge.models import Comment, KnowledgeItem
from meetings.models import Meeting
from tests.factories import CommunityFactory, UserFactory, make_member

from .helpers import make_item

pytestmark = pytest.mark.django_db


def make_meeting(community, *, title="Summer School in Trentino", visibility=Meeting.Visibility.MEMBERS):
    start = timezone.now() + timedelta(days=5)
    return Meeting.objects.create(
        community=community, title=title, start=start, end=start + timedelta(hours=3), visibility=visibility
    )


def test_an_item_links_to_its_meeting_only_for_people_who_see_the_meeting(client):
    community = CommunityFactory()
    meeting = make_meeting(community, title="Steering committee 3")
    author = make_member(community)
    item = services.item_create(
        community=community,
        by=author,
        kind="lesson",
        title="Lessons",
        visibility="public",
        meeting=meeting,
        publish=True,
    )
    assert item.meeting == meeting
    assert "Steering committee 3" not in client.get(item.get_absolute_url()).content.decode()
    client.force_login(author)
    assert "Steering committee 3" in client.get(item.get_absolute_url()).content.decode()


def test_a_meeting_of_another_community_is_refused():
    community = CommunityFactory()
    with pytest.raises(Exception) as error:
        services.item_create(
            community=community,
            by=make_member(community),
            kind="lesson",
            title="T",
            meeting=make_meeting(CommunityFactory()),
        )
    assert "meeting" in error.value.message_dict
    assert not KnowledgeItem.objects.exists()


def test_the_item_form_offers_only_visible_meetings_of_the_community(client):
    community = CommunityFactory()
    make_meeting(community, title="Our webinar")
    make_meeting(CommunityFactory(), title="Their webinar")
    client.force_login(make_member(community))
    page = client.get(reverse("knowledge:item_create", args=[community.slug])).content.decode()
    assert "Our webinar" in page and "Their webinar" not in page


def test_members_comment_on_a_meeting_and_outsiders_cannot(client):
    community = CommunityFactory()
    meeting = make_meeting(community)
    path = reverse("knowledge:meeting_comment_create", args=[community.slug, meeting.pk])
    client.force_login(UserFactory())
    assert client.post(path, {"body": "Hello"}).status_code == 404
    member = make_member(community)
    client.force_login(member)
    response = client.post(path, {"body": "See you in Trento."})
    assert response.status_code == 302 and response["Location"].startswith(meeting.get_absolute_url())
    comment = Comment.objects.get()
    assert (comment.meeting, comment.item, comment.community) == (meeting, None, community)
    assert not Comment.objects.visible_to(UserFactory()).exists()
    assert Comment.objects.visible_to(member).get() == comment


def test_the_meeting_page_partial_shows_comments_and_the_form_to_members():
    community = CommunityFactory()
    meeting = make_meeting(community)
    member = make_member(community)
    services.comment_create(by=member, meeting=meeting, body="Great <b>agenda</b>")
    item = make_item(community, author=member, title="Minutes and outcomes")
    services.item_update(item=item, by=member, meeting=meeting)
    request = RequestFactory().get(meeting.get_absolute_url())
    request.user = member
    html = Template("{% load knowledge_tags %}{% meeting_comments meeting %}{% meeting_knowledge meeting %}").render(
        Context({"request": request, "meeting": meeting})
    )
    assert "Great &lt;b&gt;agenda&lt;/b&gt;" in html
    assert reverse("knowledge:meeting_comment_create", args=[community.slug, meeting.pk]) in html
    assert "Minutes and outcomes" in html
    request.user = UserFactory()
    html = Template("{% load knowledge_tags %}{% meeting_comments meeting %}").render(
        Context({"request": request, "meeting": meeting})
    )
    assert "Great" not in html and "<form" not in html
