from datetime import UTC, datetime
import pytest
from django.urls import reverse
from django.test import Client
from meetings.models import Meeting
from tests.meetings.factories import MeetingFactory
from tests.factories import UserFactory, make_member
from communities.models import Membership

pytestmark = pytest.mark.django_db

def test_probe(community):
    coord = make_member(community, UserFactory(), role=Membership.Role.COORDINATOR)
    kiri = make_member(community, UserFactory(time_zone="Pacific/Kiritimati"))
    c = Client(raise_request_exception=False)
    c.force_login(coord)
    m = MeetingFactory(community=community, title="Bad\r\nTitle")
    far = MeetingFactory(community=community, start=datetime(9999,12,31,20,tzinfo=UTC), end=datetime(9999,12,31,22,tzinfo=UTC))
    base = f"/c/{community.slug}/meetings/"
    for u in [f"{base}{m.pk}/meeting.ics", f"{base}{far.pk}/meeting.ics", f"/c/{community.slug}/meetings.ics", f"{base}calendar/?month=9999-12", f"{base}calendar/?month=1-1", f"{base}series/99999999999999999999/"]:
        print(u, c.get(u).status_code)
    print("dup", c.post(f"{base}{m.pk}/duplicate/", {"start": "9999-12-31T23:00"}).status_code)
    print("gap", c.post(f"{base}new/", {"kind": "webinar", "title": "x", "format": "online", "start": "2026-03-29T02:30", "end": "2026-03-29T03:30", "time_zone": "Europe/Rome", "registration_policy": "open", "visibility": "members"}).status_code)
    c.force_login(kiri)
    for u in [base, f"{base}{far.pk}/", "/me/"]:
        print("kiri", u, c.get(u).status_code)
