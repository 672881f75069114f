"""Factories of the meetings tests."""

from datetime import timedelta

import factory
from django.utils import timezone

from meetings.models import Meeting, Registration
from tests.factories import CommunityFactory, UserFactory


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    community = factory.SubFactory(CommunityFactory)
    title = factory.Sequence(lambda n: f"Meeting {n}")
    kind = Meeting.Kind.WEBINAR
    format = Meeting.Format.ONLINE
    start = factory.LazyFunction(lambda: (timezone.now() + timedelta(days=7)).replace(microsecond=0))
    end = factory.LazyAttribute(lambda o: o.start + timedelta(hours=1))
    time_zone = "Europe/Rome"
    online_url = "https://meet.example.org/room-42"
    visibility = Meeting.Visibility.PUBLIC
    registration_policy = Meeting.RegistrationPolicy.OPEN


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    meeting = factory.SubFactory(MeetingFactory)
    user = factory.SubFactory(UserFactory)
    status = Registration.Status.REGISTERED
