"""iCalendar files and feeds, parsed back with the icalendar library and checked."""

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlparse

import icalendar
import pytest
from django.urls import reverse

from communities.models import Community
from meetings import ical, services
from meetings.calendar_links import add_to_calendar_links
from meetings.models import CalendarFeedToken, Meeting
from tests.factories import CommunityFactory, UserFactory, make_member
from tests.meetings.factories import MeetingFactory, RegistrationFactory

JOIN = "https://meet.example.org/secret-room"
START = datetime(2031, 1, 14, 9, 0, tzinfo=UTC)  # 10:00 in Rome


def _parse(body: bytes) -> icalendar.Calendar:
    calendar = icalendar.Calendar.from_ical(body)
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"]
    return calendar


def _events(calendar):
    return {str(event["SUMMARY"]): event for event in calendar.walk("VEVENT")}


def _meeting(community, **kwargs):
    values = {"start": START, "end": START + timedelta(hours=1), "online_url": JOIN, "time_zone": "Europe/Rome"}
    values.update(kwargs)
    return MeetingFactory(community=community, **values)


def test_a_meetings_ics_carries_uid_sequence_stamps_and_a_vtimezone(client, community, member):
    meeting = _meeting(
        community,
        title="Technical board",
        format=Meeting.Format.HYBRID,
        venue="Town hall",
        city="Misrata",
        country="LY",
    )
    services.meeting_update(meeting=meeting, by=None, city="Tripoli")  # a change of place: SEQUENCE 1
    meeting.refresh_from_db()
    response = client.get(reverse("meetings:ics", kwargs={"community_slug": community.slug, "meeting_pk": meeting.pk}))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = _parse(response.content)
    assert "METHOD" not in calendar
    (event,) = calendar.walk("VEVENT")
    assert str(event["UID"]) == meeting.uid
    assert event["SEQUENCE"] == 1
    assert event["STATUS"] == "CONFIRMED"
    assert event.decoded("DTSTAMP") == meeting.updated_at.replace(microsecond=0)
    assert event.decoded("LAST-MODIFIED") == meeting.updated_at.replace(microsecond=0)
    assert event["DTSTART"].params["TZID"] == "Europe/Rome"
    assert event.decoded("DTSTART") == START
    assert event.decoded("DTSTART").hour == 10
    assert event.decoded("DTEND") == START + timedelta(hours=1)
    (tz,) = calendar.walk("VTIMEZONE")
    assert str(tz["TZID"]) == "Europe/Rome"
    assert "Town hall, Tripoli, Libya" in str(event["LOCATION"])
    page = f"http://testserver{meeting.get_absolute_url()}"
    assert page in str(event["DESCRIPTION"]) and str(event["URL"]) == page
    # Not registered: no join link anywhere in the file.
    assert JOIN.encode() not in response.content


def test_a_registered_person_gets_the_join_link_in_their_ics(client, community, member):
    meeting = _meeting(community)
    RegistrationFactory(meeting=meeting, user=member)
    client.force_login(member)
    response = client.get(reverse("meetings:ics", kwargs={"community_slug": community.slug, "meeting_pk": meeting.pk}))
    (event,) = _parse(response.content).walk("VEVENT")
    assert JOIN in str(event["DESCRIPTION"])


def test_the_community_feed_lists_public_meetings_only_and_keeps_cancelled_ones(client, community, coordinator):
    public = _meeting(community, title="Public plenary", visibility=Meeting.Visibility.PUBLIC)
    _meeting(community, title="Members webinar", visibility=Meeting.Visibility.MEMBERS)
    cancelled = _meeting(community, title="Cancelled board", visibility=Meeting.Visibility.PUBLIC)
    services.meeting_cancel(meeting=cancelled, by=coordinator)
    client.force_login(coordinator)  # even a member gets only public meetings in the community feed
    response = client.get(f"/c/{community.slug}/meetings.ics")
    assert response.status_code == 200
    events = _events(_parse(response.content))
    assert set(events) == {"Public plenary", "Cancelled board"}
    assert events["Cancelled board"]["STATUS"] == "CANCELLED"
    assert events["Cancelled board"]["SEQUENCE"] == 1
    assert str(events["Public plenary"]["UID"]) == public.uid
    assert JOIN.encode() not in response.content


def test_a_feed_starts_a_month_back_and_carries_at_most_feed_limit_meetings(client, community, monkeypatch):
    from django.utils import timezone

    from meetings import selectors

    now = timezone.now()

    def held(title, days):
        start = now + timedelta(days=days)
        return MeetingFactory(community=community, title=title, start=start, end=start + timedelta(hours=2))

    held("Too old", -40)
    held("Last month", -20)
    held("Next week", 7)
    held("Next year", 300)
    feed = f"/c/{community.slug}/meetings.ics"
    assert set(_events(_parse(client.get(feed).content))) == {"Last month", "Next week", "Next year"}
    monkeypatch.setattr(selectors, "FEED_LIMIT", 2)
    assert set(_events(_parse(client.get(feed).content))) == {"Last month", "Next week"}


def test_the_community_feed_of_a_members_only_community_is_hidden_from_outsiders(client, db):
    restricted = CommunityFactory(visibility=Community.Visibility.MEMBERS)
    _meeting(restricted, title="Public of a closed community", visibility=Meeting.Visibility.PUBLIC)
    url = f"/c/{restricted.slug}/meetings.ics"
    assert client.get(url).status_code == 404
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.force_login(make_member(restricted))
    assert "Public of a closed community" in _events(_parse(client.get(url).content))


def _feed_url(user) -> str:
    token = services.calendar_feed_token_create(user=user)
    return reverse("calendar_feeds:personal", kwargs={"token": token})


def test_the_personal_feed_covers_all_my_communities_with_join_links_where_i_am_registered(client, community, member):
    other = CommunityFactory(name="MULTIPLY test")
    make_member(other, member)
    registered = _meeting(community, title="Registered webinar", visibility=Meeting.Visibility.MEMBERS)
    RegistrationFactory(meeting=registered, user=member)
    _meeting(other, title="Other community meeting", online_url="https://meet.example.org/other")
    _meeting(CommunityFactory(), title="Not my community")
    url = _feed_url(member)
    response = client.get(url)  # no session: the token is the key
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    events = _events(_parse(response.content))
    assert set(events) == {"Registered webinar", "Other community meeting"}
    assert JOIN in str(events["Registered webinar"]["DESCRIPTION"])
    assert "meet.example.org/other" not in response.content.decode()


def test_a_revoked_or_replaced_token_shows_nothing(client, community, member):
    _meeting(community, title="Members webinar", visibility=Meeting.Visibility.MEMBERS)
    url = _feed_url(member)
    assert client.get(url).status_code == 200
    services.calendar_feed_token_revoke(user=member)
    response = client.get(url)
    assert response.status_code == 404
    assert b"Members webinar" not in response.content
    # Replacing the address also kills the old one.
    old = _feed_url(member)
    new = _feed_url(member)
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    assert CalendarFeedToken.objects.filter(user=member, revoked_at__isnull=True).count() == 1


def test_only_the_hash_of_the_token_is_stored(member):
    url = _feed_url(member)
    token = url.rsplit("/", 1)[-1].removesuffix(".ics")
    stored = CalendarFeedToken.objects.get(user=member, revoked_at__isnull=True)
    assert token not in stored.token_hash and len(stored.token_hash) == 64


def test_a_member_who_left_loses_the_meetings_of_that_community_in_their_feed(client, community, member):
    from communities.models import Membership

    _meeting(community, title="Members webinar", visibility=Meeting.Visibility.MEMBERS)
    url = _feed_url(member)
    Membership.objects.filter(user=member, community=community).update(status=Membership.Status.LEFT)
    assert "Members webinar" not in _events(_parse(client.get(url).content))


def test_the_feed_management_page_shows_a_new_address_once_and_can_turn_it_off(client, member):
    client.force_login(member)
    manage = reverse("calendar_feeds:manage")
    assert client.get(manage).status_code == 200
    response = client.post(manage, {"action": "create"})
    token_url = response.context["feed_url"]
    assert "/me/calendar/" in token_url and token_url.endswith(".ics")
    assert token_url not in client.get(manage).content.decode()
    path = urlparse(token_url).path
    assert client.get(path).status_code == 200
    client.post(manage, {"action": "revoke"})
    assert client.get(path).status_code == 404


def test_the_feed_management_page_asks_anonymous_visitors_to_sign_in(client):
    response = client.get(reverse("calendar_feeds:manage"))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_invitation_request_and_cancel_share_the_uid(community):
    meeting = _meeting(community)
    request = _parse(ical.invitation(meeting, method="REQUEST", attendee_email="a@example.org", include_join=True))
    assert request["METHOD"] == "REQUEST"
    (event,) = request.walk("VEVENT")
    assert "noreply" in str(event["ORGANIZER"]) or "no-reply" in str(event["ORGANIZER"])
    assert str(event["ATTENDEE"]) == "mailto:a@example.org"
    assert JOIN in str(event["DESCRIPTION"])
    services.meeting_cancel(meeting=meeting, by=None)
    meeting.refresh_from_db()
    cancel = _parse(ical.invitation(meeting, method="CANCEL", attendee_email="a@example.org", include_join=True))
    assert cancel["METHOD"] == "CANCEL"
    (cancelled,) = cancel.walk("VEVENT")
    assert str(cancelled["UID"]) == str(event["UID"]) == meeting.uid
    assert cancelled["STATUS"] == "CANCELLED"
    assert cancelled["SEQUENCE"] == event["SEQUENCE"] + 1
    assert JOIN not in str(cancelled["DESCRIPTION"])


def test_add_to_calendar_links_cover_google_outlook_office_and_yahoo(community):
    meeting = _meeting(community, title="Summer school")
    links = dict(add_to_calendar_links(meeting, page_url="https://cop.example/m/1/", include_join=False))
    assert set(links) == {"Google Calendar", "Outlook.com", "Office 365", "Yahoo Calendar"}
    google = parse_qs(urlparse(links["Google Calendar"]).query)
    assert google["dates"] == ["20310114T090000Z/20310114T100000Z"]
    assert google["ctz"] == ["Europe/Rome"] and google["text"] == ["Summer school"]
    outlook = parse_qs(urlparse(links["Outlook.com"]).query)
    assert outlook["startdt"] == ["2031-01-14T09:00:00Z"]
    assert urlparse(links["Office 365"]).netloc == "outlook.office.com"
    yahoo = parse_qs(urlparse(links["Yahoo Calendar"]).query)
    assert yahoo["st"] == ["20310114T090000Z"]
    assert all(JOIN not in url for url in links.values())
    with_join = dict(add_to_calendar_links(meeting, page_url="https://cop.example/m/1/", include_join=True))
    assert JOIN in parse_qs(urlparse(with_join["Google Calendar"]).query)["details"][0]


@pytest.mark.django_db
def test_feed_queries_do_not_grow_with_meetings(client, django_assert_max_num_queries):
    community = CommunityFactory()
    for _ in range(3):
        _meeting(community, visibility=Meeting.Visibility.PUBLIC)
    with django_assert_max_num_queries(6) as few:
        client.get(f"/c/{community.slug}/meetings.ics")
    for _ in range(30):
        _meeting(community, visibility=Meeting.Visibility.PUBLIC)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(f"/c/{community.slug}/meetings.ics")
