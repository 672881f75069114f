"""Onboarding from the console: many invitations at once, previewed and confirmed, each in the invitee's language;
and the admin import's welcome emails."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from communities.models import CommunityEvent, Invitation, Membership
from communities.services import invitation_create
from members.models import OutboxMessage
from tests.factories import CommunityFactory, GroupFactory, OrganizationFactory, UserFactory, make_member

pytestmark = pytest.mark.django_db

Role = Membership.Role
SUBJECTS = {"it": "Invito ad aderire a", "ar": "أنت مدعو إلى الانضمام إلى", "en": "You are invited to join"}


@pytest.fixture
def cop(db):
    return CommunityFactory(
        slug="step", name="STEP", default_language="it", languages=["it", "en", "ar"], join_policy="invitation"
    )


@pytest.fixture
def boss(cop):
    return make_member(cop, UserFactory(full_name="Cora Coordinator"), role=Role.COORDINATOR)


def url(community) -> str:
    return reverse("communities:manage_onboarding", kwargs={"community_slug": community.slug})


def token_of(response) -> str:
    found = re.search(r'name="token" value="([^"]+)"', response.content.decode())
    return found.group(1) if found else ""


def preview(client, community, text="", **data):
    return client.post(url(community), {"addresses": text, "role": Role.MEMBER, "preview": "1", **data})


def confirm(client, community, token):
    return client.post(url(community), {"token": token, "confirm": "1"})


def invitation_emails():
    return [m for m in mail.outbox if any(s in m.subject for s in SUBJECTS.values())]


def test_fifty_pasted_addresses_with_three_bad_rows_invite_nobody_until_fixed_then_47_once_in_each_language(
    client, cop, boss, django_capture_on_commit_callbacks
):
    arabic = [UserFactory(email=f"ar{n}@example.ly", language="ar") for n in range(5)]
    english = [UserFactory(email=f"en{n}@example.eu", language="en") for n in range(5)]
    newcomers = [f"Persona {n} <new{n}@comune.it>" for n in range(37)]
    good = [user.email for user in arabic] + [f"{user.full_name} <{user.email}>" for user in english] + newcomers
    bad = ["not-an-address", "ar0@example.ly", "Mario <mario@@comune.it>"]
    text = ", ".join(good[:20]) + "\n" + "\n".join(bad) + "\n" + "; ".join(good[20:])
    client.force_login(boss)

    response = preview(client, cop, text)

    page = response.content.decode()
    assert response.status_code == 400
    assert "3 rows have errors: nobody is invited until they are corrected below." in page
    assert "Not an email address: not-an-address." in page
    assert "This address is already on line 1 of the list." in page
    assert "Not a valid email address: mario@@comune.it." in page
    assert token_of(response) == "", "no confirm button while a row has an error"
    assert "new36@comune.it" in page and "Persona 36" in page, "the preview keeps the text to correct"
    assert Invitation.objects.count() == 0 and OutboxMessage.objects.count() == 0

    fixed = preview(client, cop, "\n".join(good))
    assert fixed.status_code == 200
    assert "47 invitations will be sent." in fixed.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        done = confirm(client, cop, token_of(fixed))

    assert done.status_code == 302
    assert Invitation.objects.filter(community=cop).count() == 47
    assert OutboxMessage.objects.filter(task_name="communities.send_invitation").count() == 47
    sent = invitation_emails()
    assert len(sent) == 47 and len({m.to[0] for m in sent}) == 47
    language_of = {m.to[0]: m.extra_headers["Content-Language"] for m in sent}
    for message in sent:
        language = language_of[message.to[0]]
        assert SUBJECTS[language] in message.subject
    assert {language_of[user.email] for user in arabic} == {"ar"}
    assert {language_of[user.email] for user in english} == {"en"}
    assert {language_of[f"new{n}@comune.it"] for n in range(37)} == {"it"}, "no account: the community's language"
    assert Invitation.objects.get(email="new3@comune.it").full_name == "Persona 3"
    event = CommunityEvent.objects.get(community=cop, action=CommunityEvent.Action.INVITATIONS_SENT)
    assert event.target == "47 people" and event.actor == boss and event.changes["invited"] == [None, 47]

    with django_capture_on_commit_callbacks(execute=True):
        again = confirm(client, cop, token_of(fixed))

    assert again.status_code == 302
    assert len(invitation_emails()) == 47, "a repeated confirm sends nothing"
    assert Invitation.objects.filter(community=cop).count() == 47
    assert OutboxMessage.objects.filter(task_name="communities.send_invitation").count() == 47
    assert CommunityEvent.objects.filter(action=CommunityEvent.Action.INVITATIONS_SENT).count() == 1
    messages = [str(m) for m in again.wsgi_request._messages]
    assert "47 people were already members or already invited: nothing was sent to them." in messages


CSV = (
    "\ufeffname;email;organisation;group;role;language\n"
    "Amal Ali;amal@example.ly;comune di bologna;energy;facilitator;ar\n"
    "Bruno Bianchi;bruno@example.it;Unlisted Association;Energy team;member;\n"
    "Carla;carla@example.it;;no-such-group;member;it\n"
    "Dario;dario@example.it;;energy;coordinator;it\n"
    "Elena;elena@example.it;;;member;fr\n"
    "Fabio;fabio@example.it;;energy;;en\n"
    "Gina;gina@example.it;;;;\n"
)


def test_a_csv_upload_shows_every_row_error_then_the_corrected_list_invites_with_its_details(
    client, cop, boss, django_capture_on_commit_callbacks
):
    energy = GroupFactory(community=cop, slug="energy", name="Energy team")
    bologna = OrganizationFactory(name="Comune di Bologna")
    OrganizationFactory(name="Unlisted Association", is_verified=False)  # proposed, not verified: no match
    make_member(cop, UserFactory(email="fabio@example.it"), group=energy)
    invitation_create(community=cop, email="gina@example.it", by=boss)
    mail.outbox.clear()
    client.force_login(boss)

    upload = SimpleUploadedFile("people.csv", CSV.encode(), content_type="text/csv")
    response = client.post(url(cop), {"csv_file": upload, "role": Role.MEMBER, "preview": "1"})

    page = response.content.decode()
    assert response.status_code == 400
    assert "3 rows have errors" in page
    assert "Unknown group: no-such-group." in page
    assert "In a group, a person is a member or a facilitator." in page
    assert "Unknown language: fr (use one of en, it, ar)." in page
    assert "Unlisted Association is not in the list of organisations" in page, "a warning, not an error"
    assert "Already a member: nothing to do." in page
    assert "Already invited: the open invitation will not be sent again." in page
    assert "bruno@example.it;Unlisted Association" in page, "the CSV is kept in the text box to correct"
    assert Invitation.objects.count() == 1

    corrected = "\n".join(line for line in CSV.split("\n") if not line.startswith(("Carla", "Dario", "Elena")))
    fixed = preview(client, cop, corrected)
    assert fixed.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        confirm(client, cop, token_of(fixed))

    amal = Invitation.objects.get(email="amal@example.ly")
    assert (amal.group, amal.role, amal.language, amal.full_name, amal.organization) == (
        energy,
        Role.FACILITATOR,
        "ar",
        "Amal Ali",
        bologna,
    )
    bruno = Invitation.objects.get(email="bruno@example.it")
    assert bruno.organization is None and bruno.language == "" and bruno.group == energy
    assert sorted(m.to[0] for m in mail.outbox) == ["amal@example.ly", "bruno@example.it"]
    assert next(m for m in mail.outbox if m.to == ["amal@example.ly"]).extra_headers["Content-Language"] == "ar"
    assert next(m for m in mail.outbox if m.to == ["bruno@example.it"]).extra_headers["Content-Language"] == "it"
    assert Invitation.objects.filter(email="gina@example.it").get().sent_count == 1, "not sent again"


def test_a_comma_separated_csv_with_a_header_is_read_as_csv(client, cop, boss):
    client.force_login(boss)

    response = preview(client, cop, "email,name,language\nzara@example.org,Zara,ar\n")

    page = response.content.decode()
    assert "1 invitation will be sent." in page and "Zara" in page and "Arabic" in page


def test_a_facilitator_invites_only_into_their_own_groups(client, cop, boss, django_capture_on_commit_callbacks):
    mine = GroupFactory(community=cop, slug="mine", name="My team")
    theirs = GroupFactory(community=cop, slug="theirs", name="Their team")
    facilitator = make_member(cop, group=mine, role=Role.FACILITATOR)
    client.force_login(facilitator)

    page = client.get(url(cop)).content.decode()
    assert "My team" in page and "Their team" not in page and "The whole community" not in page

    refused = preview(client, cop, "someone@example.org", group=theirs.pk)
    assert refused.status_code == 400 and Invitation.objects.count() == 0

    text = "email,group,role\na@example.org,,\nb@example.org,theirs,\nc@example.org,mine,coordinator\n"
    response = preview(client, cop, text, group=mine.pk)
    page = response.content.decode()
    assert "You may not invite people into Their team: only into the groups you facilitate." in page
    assert "In a group, a person is a member or a facilitator." in page
    assert token_of(response) == ""

    fixed = preview(client, cop, "a@example.org\nd@example.org", group=mine.pk)
    with django_capture_on_commit_callbacks(execute=True):
        confirm(client, cop, token_of(fixed))
    assert set(Invitation.objects.values_list("email", "group")) == {
        ("a@example.org", mine.pk),
        ("d@example.org", mine.pk),
    }
    event = CommunityEvent.objects.get(action=CommunityEvent.Action.INVITATIONS_SENT)
    assert event.group == mine and event.actor == facilitator


def test_members_and_outsiders_get_404_and_anonymous_visitors_are_asked_to_sign_in(client, cop, boss):
    member = make_member(cop)
    outsider = UserFactory()
    coordinator_elsewhere = make_member(CommunityFactory(), role=Role.COORDINATOR)

    anonymous = client.get(url(cop))
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    for person in (member, outsider, coordinator_elsewhere):
        client.force_login(person)
        assert client.get(url(cop)).status_code == 404
        assert preview(client, cop, "x@example.org").status_code == 404
    assert Invitation.objects.count() == 0


def test_a_tampered_or_foreign_confirm_invites_nobody(client, cop, boss):
    other = CommunityFactory(slug="other")
    other_boss = make_member(other, role=Role.COORDINATOR)
    client.force_login(boss)
    token = token_of(preview(client, cop, "x@example.org"))

    forged = confirm(client, cop, token[:-3] + "abc")
    assert forged.status_code == 400 and "nobody was invited" in forged.content.decode()
    client.force_login(other_boss)
    assert confirm(client, other, token).status_code == 400, "a token is bound to its community and person"
    assert Invitation.objects.count() == 0


def test_a_batch_is_bounded_with_a_clear_message(client, cop, boss):
    client.force_login(boss)

    too_many = preview(client, cop, "\n".join(f"p{n}@example.org" for n in range(2001)))
    big = SimpleUploadedFile("big.csv", b"email\n" + b"a" * (1024 * 1024), content_type="text/csv")
    too_big = client.post(url(cop), {"csv_file": big, "role": Role.MEMBER, "preview": "1"})
    not_utf8 = SimpleUploadedFile("latin.csv", "email,name\nz@example.org,Zoë\n".encode("latin-1"))
    latin = client.post(url(cop), {"csv_file": not_utf8, "role": Role.MEMBER, "preview": "1"})

    assert "Invite at most 2000 people at a time: split the list." in too_many.content.decode()
    assert "The file is larger than 1 MB: split it in parts." in too_big.content.decode()
    assert "The file is not UTF-8 text" in latin.content.decode()
    assert Invitation.objects.count() == 0


def test_the_preview_takes_the_same_queries_for_three_rows_or_sixty(client, cop, boss, django_assert_max_num_queries):
    group = GroupFactory(community=cop, slug="team", name="Team")
    OrganizationFactory(name="Comune di Parma")
    client.force_login(boss)

    def rows(count):
        lines = ["name,email,organisation,group,language"]
        lines += [f"P {n},p{n}@example.org,Comune di Parma,team,it" for n in range(count)]
        return "\n".join(lines)

    with django_assert_max_num_queries(25) as few:
        preview(client, cop, rows(3))
    with django_assert_max_num_queries(len(few.captured_queries)):
        preview(client, cop, rows(60), group=group.pk)


# --- the admin import tells people ---------------------------------------------------------------------------

IMPORT_CSV = (
    "email,full_name,language,community,group\n"
    "nuova@example.ly,Nadia Nuova,ar,con-i-bambini,pi16-sud\n"
    "old@example.it,Olga Old,,con-i-bambini,pi16-sud\n"
    "already@example.it,Alba Already,,con-i-bambini,\n"
)


@pytest.fixture
def bambini(db):
    community = CommunityFactory(slug="con-i-bambini", name="Con i Bambini", default_language="it")
    group = GroupFactory(community=community, slug="pi16-sud", name="Prima Infanzia Sud")
    return community, group


def _import(client, text: str):
    """Run the admin's import page as staff do: upload (a dry run), then import the signed, checked file."""
    upload = SimpleUploadedFile("people.csv", text.encode(), content_type="text/csv")
    checked = client.post(reverse("admin:communities_membership_import"), {"file": upload})
    payload = re.search(r'name="payload"[^>]* value="([^"]+)"', checked.content.decode()).group(1)
    return client.post(reverse("admin:communities_membership_import"), {"payload": payload, "import": "1"})


def test_the_admin_import_sends_welcome_emails_to_new_accounts_only(
    client, bambini, django_capture_on_commit_callbacks
):
    community, group = bambini
    old = UserFactory(email="old@example.it", full_name="Olga Old", language="it")
    make_member(community, UserFactory(email="already@example.it", full_name="Alba Already"))
    client.force_login(UserFactory(is_superuser=True, is_staff=True))

    with django_capture_on_commit_callbacks(execute=True):
        upload = SimpleUploadedFile("people.csv", IMPORT_CSV.encode(), content_type="text/csv")
        dry = client.post(reverse("admin:communities_membership_import"), {"file": upload})
    assert "welcome emails to new accounts: 1" in dry.content.decode()
    assert mail.outbox == [] and OutboxMessage.objects.count() == 0, "a dry run sends nothing"

    with django_capture_on_commit_callbacks(execute=True):
        _import(client, IMPORT_CSV)

    assert sorted(m.to[0] for m in mail.outbox) == ["nuova@example.ly", "old@example.it"]
    welcome = next(m for m in mail.outbox if m.to == ["nuova@example.ly"])
    added = next(m for m in mail.outbox if m.to == ["old@example.it"])
    assert welcome.extra_headers["Content-Language"] == "ar", "in the new person's language"
    assert added.extra_headers["Content-Language"] == "it"
    assert "Con i Bambini" in welcome.subject and "Prima Infanzia Sud" in welcome.body
    assert "/accounts/password/reset/key/" in welcome.body
    assert "Sei stato aggiunto a Con i Bambini" in added.subject, "in Italian, Olga's language"
    assert "Prima Infanzia Sud" in added.body and "/accounts/password/" not in added.body
    assert Membership.objects.filter(user=old, group=group, status="active").exists()

    with django_capture_on_commit_callbacks(execute=True):
        _import(client, IMPORT_CSV)
    assert len(mail.outbox) == 2, "importing the same file again tells nobody anything"


def test_the_welcome_link_sets_a_password_and_the_person_signs_in(client, bambini, django_capture_on_commit_callbacks):
    from communities.importing import import_people

    with django_capture_on_commit_callbacks(execute=True):
        import_people(IMPORT_CSV, dry_run=False)
    welcome = next(m for m in mail.outbox if m.to == ["nuova@example.ly"])
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+/", welcome.body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]

    form_page = client.get("/" + path, follow=True)
    assert form_page.status_code == 200 and 'name="password1"' in form_page.content.decode()
    new_password = "a-brand-new-passphrase-42"
    client.post(form_page.redirect_chain[-1][0], {"password1": new_password, "password2": new_password})
    client.logout()

    signed_in = client.post(reverse("account_login"), {"login": "nuova@example.ly", "password": new_password})

    assert signed_in.status_code == 302
    assert client.get("/").wsgi_request.user.email == "nuova@example.ly", "the link confirmed the address"
    assert EmailAddress.objects.get(email="nuova@example.ly").verified
