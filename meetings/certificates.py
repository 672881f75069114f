"""Certificates of attendance: who may have one, the facts it states, its PDF, its verification link, its email.

A certificate is offered at trainings (the kinds in TRAINING_KINDS) and at any meeting whose
organisers switched it on (MeetingOutcome.certificates_enabled), to each person marked present,
once the meeting has ended. The facts (name, event, dates, hours, organisers) are the same on
the PDF and on the verification page, which anyone can open from the signed link printed on it;
a forged or altered link, or a certificate that no longer holds, shows nothing of it.

The PDF is laid out by xhtml2pdf, which shapes Arabic (arabic-reshaper) and orders right-to-left
text itself, with a TrueType font that has Latin and Arabic glyphs (DejaVu Sans, as the report
PDFs of the layers above use).
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from django.conf import settings
from django.core import signing
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from members.notifications import absolute_url

from .models import Certificate, Meeting, MeetingOutcome, Registration
from .notifications import meeting_organisers

# Kinds of meeting that always offer certificates of attendance.
TRAINING_KINDS = frozenset({Meeting.Kind.TRAINING_OF_TRAINERS, Meeting.Kind.SUMMER_SCHOOL})
SALT = "meetings.certificate"
PDF_FONTS = ["/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/dejavu/DejaVuSans.ttf"]


class PdfError(Exception):
    """xhtml2pdf could not lay the certificate out."""


def offers_certificates(meeting: Meeting, outcome: MeetingOutcome | None = None, *, known: bool = False) -> bool:
    """Return whether meeting gives certificates: a training, or the organisers switched them on.

    outcome is the meeting's outcome when the caller has it (known=True: None means it has none).
    """
    if meeting.status == Meeting.Status.CANCELLED:
        return False
    if meeting.kind in TRAINING_KINDS:
        return True
    if outcome is None and not known:
        outcome = MeetingOutcome.objects.filter(meeting=meeting).first()
    return bool(outcome and outcome.certificates_enabled)


def certificate_hours(meeting: Meeting, outcome: MeetingOutcome | None = None) -> Decimal | None:
    """Return the hours a certificate states: the organisers' figure, else the length of a meeting within one day."""
    if outcome is None:
        outcome = MeetingOutcome.objects.filter(meeting=meeting).first()
    if outcome and outcome.certificate_hours:
        return outcome.certificate_hours
    if meeting.local_start.date() != meeting.local_end.date():
        return None  # a meeting of several days: the organisers say how many hours it was
    hours = Decimal((meeting.end - meeting.start).total_seconds()) / Decimal(3600)
    return (hours * 2).quantize(Decimal("1"), rounding=ROUND_HALF_UP) / 2


def eligible(registration: Registration) -> bool:
    """Return whether this registration earns a certificate now (present, the meeting over, certificates on)."""
    meeting = registration.meeting
    return (
        registration.status == Registration.Status.REGISTERED
        and registration.attended
        and meeting.is_past
        and offers_certificates(meeting)
    )


def person_of(registration: Registration) -> tuple[str, str, str]:
    """Return (name, email, language) of the person a registration belongs to."""
    if registration.user_id:
        user = registration.user
        return user.get_full_name(), user.email, user.language
    return registration.name, registration.email, registration.meeting.community.default_language


# --- The verification token -----------------------------------------------------------------------


def token_for(certificate: Certificate) -> str:
    return signing.Signer(salt=SALT).sign(certificate.number.hex)


def verify_url(certificate: Certificate) -> str:
    return absolute_url(reverse("certificates:verify", kwargs={"token": token_for(certificate)}))


def certificate_from_token(token: str) -> Certificate | None:
    """Return the certificate a signed token names, if the token is genuine and the certificate still holds."""
    try:
        number = signing.Signer(salt=SALT).unsign(token)
    except signing.BadSignature:
        return None
    certificate = (
        Certificate.objects.select_related("meeting__community", "meeting__host_organization", "registration")
        .filter(number=number)
        .first()
        if len(number) == 32 and all(c in "0123456789abcdef" for c in number)
        else None
    )
    if certificate is None:
        return None
    registration = certificate.registration
    if registration.status != Registration.Status.REGISTERED or not registration.attended:
        return None
    if certificate.meeting.status == Meeting.Status.CANCELLED:
        return None
    return certificate


# --- The facts and the PDF ------------------------------------------------------------------------


@dataclass(frozen=True)
class Facts:
    """What a certificate states, the same on the PDF and on the verification page."""

    name: str
    event: str
    kind: str
    community: str
    first_day: date
    last_day: date
    hours: Decimal
    organisers: list[str]
    host: str
    place: str
    number: str
    verify_url: str


def facts(certificate: Certificate) -> Facts:
    meeting = certificate.meeting
    organisers = sorted({person.get_full_name() for person in meeting_organisers(meeting) if person.get_full_name()})
    return Facts(
        name=certificate.name,
        event=meeting.title,
        kind=meeting.get_kind_display(),
        community=meeting.community.name,
        first_day=meeting.local_start.date(),
        last_day=meeting.local_end.date(),
        hours=certificate.hours.normalize()
        if certificate.hours == certificate.hours.to_integral()
        else certificate.hours,
        organisers=organisers,
        host=meeting.host_organization.name if meeting.host_organization_id else "",
        place=meeting.place_label() if meeting.is_in_person else "",
        number=str(certificate.number),
        verify_url=verify_url(certificate),
    )


def pdf_font() -> str | None:
    """Return a TrueType font with Latin and Arabic glyphs (settings.PDF_FONT, else DejaVu Sans), if installed."""
    candidates = [getattr(settings, "PDF_FONT", None), *PDF_FONTS]
    return next((path for path in candidates if path and os.path.isfile(path)), None)


def _link_callback(uri: str, rel: str | None = None) -> str:
    """Only the font is read from disk; nothing from the network."""
    font = pdf_font()
    return font if font and uri == font else ""


def render_pdf(certificate: Certificate) -> bytes:
    """Return the PDF of certificate in its holder's language."""
    from xhtml2pdf import pisa
    from xhtml2pdf.config.resources import ResourceAccessPolicy

    font = pdf_font()
    with translation.override(certificate.language or settings.LANGUAGE_CODE):
        html = render_to_string(
            "meetings/certificate_pdf.html",
            {"facts": facts(certificate), "pdf_font": font, "rtl": translation.get_language_bidi()},
        )
    roots = (Path(font).parent,) if font else ()
    policy = ResourceAccessPolicy.server(base_dir=settings.MEDIA_ROOT, extra_roots=roots, allow_remote=False)
    out = io.BytesIO()
    result = pisa.CreatePDF(html, dest=out, encoding="utf-8", link_callback=_link_callback, resource_policy=policy)
    if result.err:
        raise PdfError(f"xhtml2pdf reported {result.err} error(s)")
    return out.getvalue()


def filename(certificate: Certificate) -> str:
    from django.utils.text import slugify

    return f"certificate-{slugify(certificate.meeting.title)[:40] or 'meeting'}-{certificate.registration_id}.pdf"


# --- The email ------------------------------------------------------------------------------------


def send_certificate(*, certificate_id: int) -> bool:
    """Email one participant their certificate (once per certificate), if it still holds."""
    from email.mime.application import MIMEApplication

    certificate = (
        Certificate.objects.select_related("meeting__community", "registration__user").filter(pk=certificate_id).first()
    )
    if certificate is None or not eligible(certificate.registration):
        return False
    registration = certificate.registration
    meeting = certificate.meeting
    name, email, language = person_of(registration)
    if not email:
        return False
    part = MIMEApplication(render_pdf(certificate), "pdf")
    part.add_header("Content-Disposition", "attachment", filename=filename(certificate))
    zone = registration.user.time_zone if registration.user_id else meeting.time_zone
    from members.notifications import send_templated_email

    return send_templated_email(
        to_email=email,
        template_prefix="meetings/emails/certificate",
        context={
            "meeting": meeting,
            "community": meeting.community,
            "meeting_url": absolute_url(meeting.get_absolute_url()),
            "person_name": name,
            "viewer_zone": zone,
            "verify_url": verify_url(certificate),
        },
        language=language,
        time_zone=zone,
        once_key=f"certificate:{certificate.pk}",
        user=registration.user if registration.user_id else None,
        kind="certificate",
        community_id=meeting.community_id,
        attachments=[part],
    )


__all__ = [
    "TRAINING_KINDS",
    "Facts",
    "PdfError",
    "certificate_from_token",
    "certificate_hours",
    "eligible",
    "facts",
    "offers_certificates",
    "person_of",
    "render_pdf",
    "send_certificate",
    "token_for",
    "verify_url",
]
