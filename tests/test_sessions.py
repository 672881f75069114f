"""Sessions know their person (members.sessions): one person's sessions end at once, nobody else's."""

import pytest
from django.test import Client
from django.urls import reverse

from cop_portal.privacy.erasure import person_erase
from members.models import PersonSession
from members.sessions import end_sessions_of
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "a long enough passphrase 42"


def _signed_in(user) -> Client:
    client = Client()
    assert client.login(email=user.email, password=PASSWORD)
    assert client.get(reverse("me:dashboard")).status_code == 200
    return client


def test_a_session_records_who_signed_in_on_it():
    zelda = UserFactory(password=PASSWORD)
    client = _signed_in(zelda)
    session = PersonSession.objects.get(session_key=client.session.session_key)
    assert session.user_id == zelda.pk
    anonymous = Client()
    anonymous.get(reverse("account_login"))
    assert not PersonSession.objects.filter(user_id__isnull=False).exclude(user_id=zelda.pk).exists()


def test_ending_a_persons_sessions_signs_them_out_everywhere_and_nobody_else(django_assert_max_num_queries):
    zelda, oscar = UserFactory(password=PASSWORD), UserFactory(password=PASSWORD)
    phone, laptop, theirs = _signed_in(zelda), _signed_in(zelda), _signed_in(oscar)
    with django_assert_max_num_queries(2):  # one DELETE (and its SELECT for signals), whatever the sessions of others
        assert end_sessions_of(zelda) == 2
    assert phone.get(reverse("me:dashboard")).status_code == 302
    assert laptop.get(reverse("me:dashboard")).status_code == 302
    assert theirs.get(reverse("me:dashboard")).status_code == 200


def test_erasure_ends_the_persons_sessions():
    zelda, oscar = UserFactory(password=PASSWORD), UserFactory(password=PASSWORD)
    _signed_in(zelda)
    _signed_in(oscar)
    person_erase(person=zelda, by=zelda)
    assert not PersonSession.objects.filter(user_id=zelda.pk).exists()
    assert PersonSession.objects.filter(user_id=oscar.pk).count() == 1
