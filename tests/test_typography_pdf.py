"""PDFs in Arabic: the letters are shaped (joined presentation forms) and the text reads in the right order.

pypdf gives back each line in the order it is drawn; it restores the logical order of an Arabic run
itself, so a name drawn right to left comes back as written. A line of mixed directions comes back
run by run as drawn, which is what these tests read: an English meeting title in an Arabic
certificate must come out as one left-to-right line ("Training on GIS for طرابلس municipality"),
not in the order an Arabic paragraph would give it ("municipality طرابلس Training on GIS for").
Spaces are left out of the comparison (pypdf doubles or drops them at direction changes).
"""

import io
import unicodedata
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from communities.models import Membership
from meetings.certificates import pdf_font
from meetings.models import Meeting, Registration
from tests.conftest import require_service
from tests.factories import CommunityFactory, GroupFactory, UserFactory, make_member
from tests.meetings.factories import MeetingFactory

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def compact(text: str) -> str:
    """Return text with its presentation forms folded back (NFKC) and without spaces."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def shaped(text: str) -> bool:
    """Return whether text holds Arabic presentation forms, i.e. letters drawn joined."""
    return any(0xFB50 <= ord(char) <= 0xFDFF or 0xFE70 <= ord(char) <= 0xFEFF for char in text)


@pytest.fixture(autouse=True)
def _font():
    require_service(pdf_font() is not None, "A TrueType font with Arabic glyphs (fonts-dejavu-core)")


@pytest.fixture(autouse=True)
def _files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.KNOWLEDGE_FILES_ROOT = tmp_path / "private"


def test_an_arabic_certificate_is_shaped_and_reads_in_order_with_an_english_title(client):
    community = CommunityFactory(name="ريبيلد REBUILD")
    coordinator = make_member(community, UserFactory(full_name="Cora Coordinator"), role=Membership.Role.COORDINATOR)
    # In the morning, so that the six hours end the same day in the meeting's zone, whenever the test runs.
    start = (timezone.now() - timedelta(days=3)).replace(hour=7, minute=0, second=0, microsecond=0)
    training = MeetingFactory(
        community=community,
        kind=Meeting.Kind.TRAINING_OF_TRAINERS,
        title="Training on GIS for طرابلس municipality",
        start=start,
        end=start + timedelta(hours=6),
        created_by=coordinator,
    )
    amal = make_member(community, UserFactory(full_name="أمل بن سعيد", language="ar"))
    Registration.objects.create(meeting=training, user=amal, attended=True)
    client.force_login(amal)
    response = client.get(
        reverse("meetings:certificate", kwargs={"community_slug": community.slug, "meeting_pk": training.pk})
    )
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert shaped(text), text
    lines = [compact(line) for line in text.splitlines()]
    assert compact("شهادة حضور") in lines  # the heading, in Arabic, in order
    assert compact("أمل بن سعيد") in lines  # the name, in order
    # The English title keeps its own left-to-right order inside the Arabic certificate.
    assert compact("Training on GIS for طرابلس municipality") in lines, lines
    assert compact("municipality طرابلس Training on GIS for") not in lines


def test_an_arabic_report_pdf_is_shaped_and_reads_in_order(client):
    community = CommunityFactory(slug="cop", name="Report CoP")
    coordinator = make_member(
        community, UserFactory(full_name="Cora Coordinator", language="ar"), role=Membership.Role.COORDINATOR
    )
    GroupFactory(community=community, name="بلدية طرابلس")
    GroupFactory(community=community, name="Comune di Milano (Lombardia)")
    client.force_login(coordinator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    response = client.get(reverse("reports:pdf", kwargs={"community_slug": community.slug}))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert shaped(text), text
    joined = compact(text)
    assert compact("الاجتماعات المنعقدة") in joined  # an interface label, in Arabic, in order
    assert compact("بلدية طرابلس") in joined
    # A Latin name in the Arabic report stays in its own order, brackets included.
    assert compact("Comune di Milano (Lombardia)") in joined, text
