"""A copy of one's data: built in the background, mailed once as a link, for the person only, with nothing of others."""

import io
import json
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from communities.models import Membership
from cop_portal.models import DataExport
from cop_portal.privacy.export import build_and_send
from discussions import services as discussions
from knowledge.services import follow
from knowledge.services.conversation import comment_create
from knowledge.services.items import AuthorSpec
from meetings.models import Answer, Question, Registration
from members.models import EmailLedger, OutboxMessage
from tests.factories import CommunityFactory, UserFactory, make_member
from tests.knowledge.helpers import make_item
from tests.meetings.factories import MeetingFactory

OTHER_NAME, OTHER_EMAIL = "Oscar Otherperson", "oscar.otherperson@example.org"


def _zelda_and_oscar(community):
    zelda = make_member(community, UserFactory(email="zelda@example.org", full_name="Zelda Quixotic", bio="Rivers."))
    oscar = make_member(community, UserFactory(email=OTHER_EMAIL, full_name=OTHER_NAME))
    make_member(community, role=Membership.Role.COORDINATOR)
    meeting = MeetingFactory(community=community, title="River mapping day")
    question = Question.objects.create(meeting=meeting, kind=Question.Kind.LONG_TEXT, label="Dietary needs")
    mine = Registration.objects.create(meeting=meeting, user=zelda)
    Answer.objects.create(registration=mine, question=question, value="Vegetarian")
    theirs = Registration.objects.create(meeting=meeting, user=oscar)
    Answer.objects.create(registration=theirs, question=question, value="Oscar needs no nuts")
    thread = discussions.thread_start(community=community, by=zelda, title="Mapping rivers", body="Zelda's opening")
    discussions.post_reply(thread=thread, by=oscar, body="Oscar's reply")
    item = make_item(community, author=zelda, authors=[AuthorSpec(user=zelda), AuthorSpec(user=oscar)], title="Atlas")
    comment_create(by=zelda, body="Zelda's comment", item=item)
    comment_create(by=oscar, body="Oscar's comment", item=item)
    follow(user=zelda, item=item)
    EmailLedger.objects.create(key="k1", kind="digest", user=zelda, to_email=zelda.email, subject="Digest for Zelda")
    EmailLedger.objects.create(key="k2", kind="digest", user=oscar, to_email=OTHER_EMAIL, subject="Digest for Oscar")
    return zelda, oscar


def _zip(client, export):
    response = client.get(reverse("me:data_download", kwargs={"export_pk": export.pk}))
    assert response.status_code == 200
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


@pytest.mark.django_db(transaction=True)
def test_the_export_holds_every_kind_of_my_data_and_nothing_of_others(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    community = CommunityFactory()
    zelda, _oscar = _zelda_and_oscar(community)
    client.force_login(zelda)
    mail.outbox.clear()
    assert client.post(reverse("me:data_request")).status_code == 302
    export = DataExport.objects.get(user=zelda)
    assert OutboxMessage.objects.filter(key=f"data-export:{export.pk}").exists()
    export.refresh_from_db()
    assert export.ready_at is not None  # built by the task (eager in tests, through the outbox)
    assert [m.to for m in mail.outbox] == [[zelda.email]]
    assert f"/me/data/{export.pk}/download/" in mail.outbox[0].body

    archive = _zip(client, export)
    assert sorted(archive.namelist()) == ["data.json", "index.html"]
    data = json.loads(archive.read("data.json"))
    text = archive.read("data.json").decode() + archive.read("index.html").decode()
    assert data["profile"]["email"] == "zelda@example.org" and data["profile"]["bio"] == "Rivers."
    assert data["memberships"][0]["community"] == community.name and data["memberships"][0]["history"]
    assert data["registrations"][0]["answers"] == [{"question": "Dietary needs", "answer": "Vegetarian"}]
    assert data["threads"][0]["title"] == "Mapping rivers"
    assert [p["body"] for p in data["posts"]] == ["Zelda's opening"]
    assert data["items_authored"][0]["item__title"] == "Atlas"
    assert [c["body"] for c in data["comments"]] == ["Zelda's comment"]
    assert data["follows"]["knowledge"][0]["item__title"] == "Atlas"
    assert [row["subject"] for row in data["email_ledger"] if row["kind"] == "digest"] == ["Digest for Zelda"]
    for needle in (OTHER_NAME, OTHER_EMAIL, "Oscar"):
        assert needle not in text


@pytest.mark.django_db(transaction=True)
def test_a_retried_build_sends_one_email_and_keeps_one_file(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    community = CommunityFactory()
    zelda = make_member(community)
    export = DataExport.objects.create(user=zelda)
    assert build_and_send(export.pk) is True
    path = DataExport.objects.get(pk=export.pk).path
    assert build_and_send(export.pk) is False
    assert DataExport.objects.get(pk=export.pk).path == path
    assert len(mail.outbox) == 1
    assert EmailLedger.objects.filter(key=f"data-export:{export.pk}", status=EmailLedger.Status.SENT).count() == 1


@pytest.mark.django_db
def test_the_link_works_only_for_its_person_signed_in_and_for_seven_days(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    community = CommunityFactory()
    zelda, oscar = make_member(community), make_member(community)
    export = DataExport.objects.create(user=zelda)
    build_and_send(export.pk)
    url = reverse("me:data_download", kwargs={"export_pk": export.pk})
    assert client.get(url).status_code == 302  # anonymous: sign in first
    assert client.get(reverse("me:data")).status_code == 302
    assert client.post(reverse("me:data_request")).status_code == 302
    assert not DataExport.objects.filter(user=None).exists()
    client.force_login(oscar)
    assert client.get(url).status_code == 404
    client.force_login(zelda)
    assert client.get(url).status_code == 200
    assert client.get(reverse("me:data")).status_code == 200
    DataExport.objects.filter(pk=export.pk).update(ready_at=timezone.now() - timedelta(days=8))
    assert client.get(url).status_code == 404
    # The file is never under a public address: it is in the private storage, which no URL maps to.
    path = DataExport.objects.get(pk=export.pk).path
    assert not path.startswith(str(settings.MEDIA_URL))
    assert Path(str(settings.KNOWLEDGE_FILES_ROOT), path).is_file()
    assert not any(tmp_path.rglob("*.zip")), "nothing under MEDIA_ROOT"


@pytest.mark.django_db
def test_an_export_built_before_the_move_to_the_private_storage_still_downloads(client, settings, tmp_path):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    settings.MEDIA_ROOT = tmp_path
    zelda = make_member(CommunityFactory())
    path = default_storage.save(f"private/data-exports/{zelda.pk}/old.zip", ContentFile(b"PK old", name="old.zip"))
    export = DataExport.objects.create(user=zelda, path=path, ready_at=timezone.now())
    client.force_login(zelda)
    response = client.get(reverse("me:data_download", kwargs={"export_pk": export.pk}))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"PK old"
