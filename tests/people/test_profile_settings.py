"""A person edits their profile and chooses what other members see."""

import pytest
from django.urls import reverse

from members.models import User
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/people/profile/"


def _valid(**overrides):
    data = {
        "full_name": "Nadia Nuova",
        "organization": "",
        "job_title": "Planner",
        "country": "TN",
        "time_zone": "Africa/Tunis",
        "language": "ar",
        "expertise": 'water services, "peer review"',
        "spoken_languages": "Arabic, fr, Italiano",
        "bio": "Working on basic services.",
        "listed_in_directory": "on",
        "show_country": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_url():
    assert reverse("members:profile") == URL


def test_requires_sign_in(client):
    assert client.get(URL)["Location"].startswith("/accounts/login/")


def test_saves_profile_and_visibility_choices(client):
    user = UserFactory(show_email=True, show_job_title=True)
    org = OrganizationFactory(name="Municipality of Sfax")
    client.force_login(user)
    response = client.post(URL, _valid(organization=str(org.pk)))
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.full_name == "Nadia Nuova"
    assert user.organization == org
    assert user.time_zone == "Africa/Tunis"
    assert user.language == "ar"
    assert sorted(user.expertise.names()) == ["peer review", "water services"]
    assert user.spoken_languages == ["ar", "fr", "it"]
    assert user.listed_in_directory and user.show_country
    assert not user.show_email and not user.show_job_title and not user.show_expertise


def test_form_shows_current_values(client):
    user = UserFactory(full_name="Shown Name", spoken_languages=["it", "en"])
    client.force_login(user)
    body = client.get(URL).content.decode()
    assert 'value="Shown Name"' in body
    assert 'value="it, en"' in body


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("spoken_languages", "Italian, Klingon", "Unknown language: Klingon"),
        ("time_zone", "Mars/Olympus", "Select a valid choice"),
        ("full_name", "   ", "Enter your name"),
        ("country", "XX", "Select a valid choice"),
        ("expertise", "x" * 101, "under 100 characters"),
    ],
)
def test_bad_input_gets_a_message_and_changes_nothing(client, field, value, message):
    user = UserFactory(full_name="Before", job_title="Old title", show_email=False)
    client.force_login(user)
    before = User.objects.filter(pk=user.pk).values().get()
    response = client.post(URL, _valid(**{field: value}, show_email="on"))
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert "Your profile was not saved" in body
    assert User.objects.filter(pk=user.pk).values().get() == before
    assert list(user.expertise.names()) == []


def test_saving_twice_changes_nothing_more(client):
    user = UserFactory()
    client.force_login(user)
    client.post(URL, _valid())
    first = User.objects.filter(pk=user.pk).values().get()
    client.post(URL, _valid())
    assert User.objects.filter(pk=user.pk).values().get() == first
    assert sorted(user.expertise.names()) == ["peer review", "water services"]


def test_signup_form_still_works(client):
    from members.forms import PortalSignupForm

    form = PortalSignupForm(
        data={
            "full_name": "New Person",
            "email": "new@example.org",
            "password1": "a-long-pass-123",
            "password2": "a-long-pass-123",
        }
    )
    assert form.is_valid(), form.errors
