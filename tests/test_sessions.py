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


def test_a_signed_in_request_reads_its_session_and_its_person_in_one_query(client):
    """cop_portal.privacy.sessions: the session row and the person (with the notice state) in one query."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    zelda = UserFactory(password=PASSWORD)
    client.force_login(zelda)
    with CaptureQueriesContext(connection) as context:
        response = client.get(reverse("privacy_notice"))
    assert response.status_code == 200 and response.context["user"] == zelda
    sql = [query["sql"] for query in context.captured_queries]
    reads = [query for query in sql if '"members_session"' in query]
    assert len(reads) == 1 and '"members_user"' in reads[0] and '"cop_portal_consentrecord"' in reads[0], reads
    assert not [query for query in sql if query.startswith('SELECT "members_user"')], sql


def test_the_person_read_with_a_session_is_never_anyone_elses(client):
    """A person read with one request's session is not taken by a later request, nor for another id."""
    from django.contrib.auth import get_user

    zelda, oscar = UserFactory(password=PASSWORD), UserFactory(password=PASSWORD)
    theirs = _signed_in(oscar)
    zelda_client = _signed_in(zelda)
    assert zelda_client.get(reverse("me:dashboard")).context["user"] == zelda
    assert theirs.get(reverse("me:dashboard")).context["user"] == oscar
    # A request without a session right after one with Zelda's is anonymous.
    assert Client().get(reverse("me:dashboard")).status_code == 302
    # An inactive person's session signs nobody in, though the person was read with it.
    zelda.is_active = False
    zelda.save(update_fields=["is_active"])
    assert zelda_client.get(reverse("me:dashboard")).status_code == 302
    # A changed password ends the other sessions (the session hash), as with Django's own engine.
    oscar.set_password("another long passphrase 43")
    oscar.save()
    response = theirs.get(reverse("me:dashboard"))
    assert response.status_code == 302
    request = response.wsgi_request
    assert not get_user(request).is_authenticated
