"""Certificates of attendance: the PDF states the participant's name and hours, in their language (Arabic
shaped), the verification link shows the same facts, a forged link shows nothing; organisers issue in bulk."""

import io
import unicodedata
import zipfile
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from meetings import certificates, services
from meetings.models import Certificate, Meeting, Registration
from tests.factories import UserFactory, make_member
from tests.meetings.factories import MeetingFactory


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def training(community, coordinator):
    # In the morning, so that the six and a half hours end the same day in the meeting's zone, whenever the test runs.
    start = (timezone.now() - timedelta(days=3)).replace(hour=7, minute=0, second=0, microsecond=0)
    return MeetingFactory(
        community=community,
        kind=Meeting.Kind.TRAINING_OF_TRAINERS,
        title="Training on urban regeneration",
        start=start,
        end=start + timedelta(hours=6, minutes=30),
        created_by=coordinator,
    )


def present(meeting, user):
    return Registration.objects.create(meeting=meeting, user=user, attended=True)


def test_a_participant_downloads_a_pdf_with_their_name_and_hours_and_the_link_shows_the_same_facts(
    client, community, training, member
):
    present(training, member)
    client.force_login(member)
    page = client.get(training.get_absolute_url()).content.decode()
    url = reverse("meetings:certificate", kwargs={"community_slug": community.slug, "meeting_pk": training.pk})
    assert url in page
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Mona Member" in text
    assert "6.5" in text
    assert "Training on urban regeneration" in text
    assert "Cora Coordinator" in text, "the organisers are named"

    certificate = Certificate.objects.get()
    assert certificate.hours == Decimal("6.5")
    verify = certificates.verify_url(certificate)
    assert verify.split("/certificates/")[1].rstrip("/") in text.replace("\n", "")
    client.logout()
    check = client.get(reverse("certificates:verify", kwargs={"token": certificates.token_for(certificate)}))
    body = check.content.decode()
    assert check.status_code == 200
    assert "Mona Member" in body and "6.5" in body and "Training on urban regeneration" in body
    assert "Cora Coordinator" in body


def test_a_forged_or_altered_link_shows_nothing_but_not_a_valid_certificate(client, community, training, member):
    present(training, member)
    certificate = services.certificate_issue(registration=Registration.objects.get(), by=None)
    token = certificates.token_for(certificate)
    number, signature = token.split(":")
    forged = [
        f"{'0' * 32}:{signature}",
        f"{number}:{'A' * len(signature)}",
        number,
        "nonsense",
    ]
    for bad in forged:
        response = client.get(reverse("certificates:verify", kwargs={"token": bad}))
        body = response.content.decode()
        assert response.status_code == 404
        assert "Not a valid certificate" in body
        assert "Mona Member" not in body and "Training on urban regeneration" not in body

    # Unmarked as present afterwards: the genuine link no longer vouches for it.
    Registration.objects.update(attended=False)
    response = client.get(reverse("certificates:verify", kwargs={"token": token}))
    assert response.status_code == 404 and "Mona Member" not in response.content.decode()


def test_the_certificate_is_in_the_participant_s_language_with_arabic_shaped(client, community, training):
    amal = make_member(community, UserFactory(full_name="أمل بن سعيد", language="ar"))
    present(training, amal)
    client.force_login(amal)
    response = client.get(
        reverse("meetings:certificate", kwargs={"community_slug": community.slug, "meeting_pk": training.pk})
    )
    reader = PdfReader(io.BytesIO(response.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    fonts = {str(font.get("/BaseFont")) for page in reader.pages for font in page["/Resources"]["/Font"].values()}
    if certificates.pdf_font():
        assert any("DejaVu" in name for name in fonts), fonts
        # Shaped: the letters are their joined presentation forms, which fold back to the name.
        assert any(0xFE70 <= ord(char) <= 0xFEFF for char in text), text
        assert "أمل بن سعيد" in unicodedata.normalize("NFKC", text)
    assert Certificate.objects.get().language == "ar"


def test_nobody_unmarked_absent_or_at_a_non_training_gets_one(client, community, coordinator, training, member):
    Registration.objects.create(meeting=training, user=member, attended=False)
    client.force_login(member)
    url = reverse("meetings:certificate", kwargs={"community_slug": community.slug, "meeting_pk": training.pk})
    assert client.get(url).status_code == 302
    assert not Certificate.objects.exists()

    webinar = MeetingFactory(community=community, start=training.start, end=training.end)
    present(webinar, member)
    url = reverse("meetings:certificate", kwargs={"community_slug": community.slug, "meeting_pk": webinar.pk})
    assert client.get(url).status_code == 302
    services.certificate_settings_update(meeting=webinar, by=coordinator, enabled=True, hours=Decimal("2"))
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    assert "2" in pdf_text(response.content)


def test_a_meeting_of_several_days_needs_the_organisers_hours(community, coordinator, member):
    start = (timezone.now() - timedelta(days=10)).replace(microsecond=0)
    school = MeetingFactory(
        community=community, kind=Meeting.Kind.SUMMER_SCHOOL, start=start, end=start + timedelta(days=4)
    )
    registration = present(school, member)
    with pytest.raises(Exception, match="hours"):
        services.certificate_issue(registration=registration, by=None)
    services.certificate_settings_update(meeting=school, by=coordinator, enabled=False, hours=Decimal("28"))
    assert services.certificate_issue(registration=registration, by=None).hours == Decimal("28")


def test_organisers_issue_them_in_bulk_as_a_zip_or_one_email_each(
    client, community, coordinator, training, member, django_capture_on_commit_callbacks
):
    other = make_member(community, UserFactory(full_name="Olga Other", email="olga@example.org", language="it"))
    present(training, member)
    present(training, other)
    Registration.objects.create(meeting=training, user=make_member(community), attended=False)
    client.force_login(coordinator)
    url = reverse("meetings:certificates", kwargs={"community_slug": community.slug, "meeting_pk": training.pk})
    assert "Mona Member" in client.get(url).content.decode()

    response = client.post(url, {"action": "zip"})
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    texts = [pdf_text(archive.read(name)) for name in archive.namelist()]
    assert len(texts) == 2
    assert any("Mona Member" in text for text in texts) and any("Olga Other" in text for text in texts)

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"action": "email"})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"action": "email"})  # twice: each person still gets one
    assert sorted(m.to[0] for m in mail.outbox) == sorted([member.email, other.email])
    message = next(m for m in mail.outbox if m.to[0] == other.email)
    assert message.extra_headers["Content-Language"] == "it"
    (attachment,) = [
        a for a in message.attachments if getattr(a, "get_content_type", lambda: "")() == "application/pdf"
    ]
    assert "Olga Other" in pdf_text(attachment.get_payload(decode=True))
    assert Certificate.objects.count() == 2


def test_only_organisers_open_the_certificates_page(client, community, training, member):
    client.force_login(member)
    url = reverse("meetings:certificates", kwargs={"community_slug": community.slug, "meeting_pk": training.pk})
    response = client.post(url, {"action": "zip"})
    assert response.status_code == 302 and response["Location"] == training.get_absolute_url()
