"""Issue 14 item 6: registering by email enumerates no account, enrols only members; exports respect privacy."""

import csv
import io

import pytest
from django.core import mail
from django.urls import reverse

from communities.models import Community, Invitation, Membership
from meetings.models import Meeting, Registration
from tests.factories import CommunityFactory, OrganizationFactory, UserFactory, make_member
from tests.meetings.factories import MeetingFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cop():
    return CommunityFactory(slug="open-cop", name="Open CoP")


@pytest.fixture
def coordinator(cop):
    return make_member(cop, UserFactory(full_name="Cora Coordinator"), role=Membership.Role.COORDINATOR)


@pytest.fixture
def meeting(cop):
    return MeetingFactory(community=cop, registration_policy=Meeting.RegistrationPolicy.INVITATION)


def _register(client, meeting, email):
    path = reverse(
        "meetings:registrations", kwargs={"community_slug": meeting.community.slug, "meeting_pk": meeting.pk}
    )
    return client.post(path, {"email": email}, follow=True)


def _answer(response) -> str:
    text = response.content.decode()
    return "\n".join(str(m) for m in response.context["messages"]) + f"|{response.status_code}|{'is-invalid' in text}"


def test_the_answer_is_the_same_whatever_the_address(client, cop, coordinator, meeting):
    elsewhere = CommunityFactory(slug="hidden", visibility=Community.Visibility.MEMBERS)
    outsider = make_member(elsewhere, UserFactory(email="outsider@example.org"))
    UserFactory(email="lonely@example.org")  # an account in no community
    make_member(cop, UserFactory(email="member@example.org"))
    client.force_login(coordinator)

    answers = {
        email: _answer(_register(client, meeting, email)).replace(email, "<email>")
        for email in ["member@example.org", "outsider@example.org", "lonely@example.org", "nobody@example.org"]
    }

    assert len(set(answers.values())) == 1, answers
    assert list(Registration.objects.filter(meeting=meeting).values_list("user__email", flat=True)) == [
        "member@example.org"
    ]
    assert not Registration.objects.filter(user=outsider).exists(), "a member elsewhere is not enrolled"
    invited = set(Invitation.objects.filter(community=cop).values_list("email", flat=True))
    assert invited == {"outsider@example.org", "lonely@example.org", "nobody@example.org"}


def test_asking_twice_invites_once(client, cop, coordinator, meeting, django_capture_on_commit_callbacks):
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        _register(client, meeting, "nobody@example.org")
        _register(client, meeting, "nobody@example.org")

    assert Invitation.objects.filter(email="nobody@example.org").count() == 1
    assert len([m for m in mail.outbox if m.to == ["nobody@example.org"]]) == 1


def test_an_organiser_who_is_no_coordinator_invites_nobody(client, cop, meeting):
    organiser = make_member(cop, UserFactory())
    meeting.created_by = organiser
    meeting.save()
    from meetings.services import registration_invite_by_email

    assert registration_invite_by_email(meeting=meeting, email="nobody@example.org", by=organiser) == "nothing"
    assert not Invitation.objects.exists()


def test_registration_invite_refuses_people_outside_the_community(cop, coordinator):
    from django.core.exceptions import ValidationError

    from meetings.services import registration_invite

    public = MeetingFactory(community=cop, registration_policy=Meeting.RegistrationPolicy.INVITATION)
    with pytest.raises(ValidationError):
        registration_invite(meeting=public, user=UserFactory(), by=coordinator)
    assert not Registration.objects.exists()


def test_the_registrations_page_and_csv_apply_each_persons_privacy_choices(client, cop, coordinator, meeting):
    private = make_member(
        cop,
        UserFactory(
            full_name="Priya Private",
            email="priya.hidden@example.org",
            country="TN",
            show_email=False,
            show_country=False,
            organization=OrganizationFactory(name="Some Org", country="LY"),
        ),
    )
    open_person = make_member(
        cop, UserFactory(full_name="Omar Open", email="omar.shown@example.org", country="IT", show_email=True)
    )
    RegistrationFactory(meeting=meeting, user=private, status=Registration.Status.REGISTERED)
    RegistrationFactory(meeting=meeting, user=open_person, status=Registration.Status.REGISTERED)
    client.force_login(coordinator)

    page = client.get(
        reverse("meetings:registrations", kwargs={"community_slug": cop.slug, "meeting_pk": meeting.pk})
    ).content.decode()
    export = client.get(
        reverse("meetings:registrations_csv", kwargs={"community_slug": cop.slug, "meeting_pk": meeting.pk})
    )
    rows = {row[0]: row for row in csv.reader(io.StringIO(export.content.decode("utf-8-sig")))}

    for text in (page, export.content.decode("utf-8-sig")):
        assert "priya.hidden@example.org" not in text
        assert "Tunisia" not in text and "Libya" not in text
        assert "omar.shown@example.org" in text and "Italy" in text
    assert rows["Priya Private"][1] == "" and rows["Priya Private"][3] == ""
