"""Build a person's data export: a ZIP with data.json (machine-readable) and index.html (readable).

data_export_request writes the DataExport row and its outbox message in one transaction; the task
(cop_portal.build_data_export) builds the ZIP once and emails the link through the ledger under the
key data-export:<id>, so a retried task sends one email. Only the person's own rows are read, and of
shared things (a meeting, a thread, an item) only what identifies the thing, never the other people.
"""

from __future__ import annotations

import io
import json
import secrets
import zipfile
from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from communities.models import Membership, MembershipEvent
from cop_portal.models import ConsentRecord, DataExport
from discussions.models import Post, Subscription, Thread
from knowledge.models import Comment, Follow, ItemAuthor
from meetings.models import Answer, Application, Registration, SeriesFollow
from members import outbox
from members.models import EmailLedger, User
from members.notifications import absolute_url, send_templated_email

EXPORT_VALID_DAYS = 7
TASK = "cop_portal.build_data_export"


@transaction.atomic
def data_export_request(*, user: User) -> DataExport:
    """Record that user asked for their data and enqueue the build (after commit, through the outbox)."""
    export = DataExport.objects.create(user=user)
    outbox.enqueue(TASK, export.pk, key=f"data-export:{export.pk}")
    return export


def downloadable(user: User):
    """Return user's exports that are ready and still valid (the only ones the download view serves)."""
    since = timezone.now() - timedelta(days=EXPORT_VALID_DAYS)
    return DataExport.objects.filter(user=user, ready_at__gte=since).exclude(path="")


def collect(user: User) -> dict:
    """Return every kind of data the portal keeps about user, as JSON values."""
    memberships = Membership.objects.filter(user=user).select_related("community", "group")
    registrations = Registration.objects.filter(user=user).select_related("meeting")
    return {
        "profile": {
            "email": user.email,
            "full_name": user.full_name,
            "organisation": user.organization.name if user.organization_id else "",
            "job_title": user.job_title,
            "country": str(user.country or ""),
            "time_zone": user.time_zone,
            "language": user.language,
            "bio": user.bio,
            "spoken_languages": user.spoken_languages,
            "expertise": sorted(tag.name for tag in user.expertise.all()),
            "listed_in_directory": user.listed_in_directory,
            "date_joined": user.date_joined,
        },
        "memberships": [
            {
                "community": m.community.name,
                "group": m.group.name if m.group_id else "",
                "role": m.role,
                "status": m.status,
                "history": list(
                    MembershipEvent.objects.filter(membership=m)
                    .order_by("created_at")
                    .values("action", "from_role", "to_role", "created_at")
                ),
            }
            for m in memberships
        ],
        "registrations": [
            {
                "meeting": r.meeting.title,
                "starts": r.meeting.start,
                "status": r.status,
                "attended": r.attended,
                "answers": [
                    {"question": a.question.label, "answer": a.value}
                    for a in Answer.objects.filter(registration=r).select_related("question")
                ],
            }
            for r in registrations
        ],
        "applications": list(
            Application.objects.filter(registration__user=user).values(
                "meeting__title", "registration__status", "confirm_by"
            )
        ),
        "threads": list(Thread.objects.filter(created_by=user).values("title", "created_at")),
        "posts": list(Post.objects.filter(author=user).values("thread__title", "body", "created_at")),
        "items_authored": list(
            ItemAuthor.objects.filter(user=user).values("item__title", "item__kind", "item__summary", "item__body")
        ),
        "comments": list(Comment.objects.filter(author=user).values("body", "created_at")),
        "follows": {
            "knowledge": list(Follow.objects.filter(user=user).values("item__title", "group__name", "theme__name")),
            "discussions": list(
                Subscription.objects.filter(user=user).values("community__name", "thread__title", "level")
            ),
            "meeting_series": list(SeriesFollow.objects.filter(user=user).values("series__title", "status")),
        },
        "consents": list(
            ConsentRecord.objects.filter(user=user).values("notice_id", "notice__created_at", "consented_at")
        ),
        "email_ledger": list(
            EmailLedger.objects.filter(user=user).values(
                "kind", "to_email", "subject", "status", "created_at", "sent_at"
            )
        ),
    }


# Exports built before they moved to the private storage kept this prefix in the default one.
LEGACY_PREFIX = "private/data-exports/"


def export_storage(path: str):
    """Return the storage holding an export's file: the private one (no URL on disk, the bucket's
    private/ prefix), or the default one for an export built before (its path says which)."""
    return default_storage if path.startswith(LEGACY_PREFIX) else storages["private"]


def build(export: DataExport) -> DataExport:
    """Write export's ZIP (data.json, index.html) to the private storage; building twice keeps the first."""
    if export.path:
        return export
    user = export.user
    data = collect(user)
    with translation.override(user.language):
        page = render_to_string("privacy/export.html", {"data": data, "person": user})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False))
        archive.writestr("index.html", page)
    name = f"data-exports/{user.pk}/{secrets.token_urlsafe(24)}.zip"
    export.path = storages["private"].save(name, ContentFile(buffer.getvalue()))
    export.ready_at = timezone.now()
    export.save(update_fields=["path", "ready_at"])
    return export


def build_and_send(export_id: int) -> bool:
    """Build the export of export_id (once) and email its link (once); return whether an email went out now."""
    export = DataExport.objects.select_related("user").filter(pk=export_id).first()
    if export is None or export.user.is_erased:
        return False
    export = build(export)
    user = export.user
    return send_templated_email(
        to_email=user.email,
        template_prefix="privacy/emails/data_export",
        context={
            "recipient": user,
            "url": absolute_url(reverse("me:data_download", kwargs={"export_pk": export.pk})),
            "days": EXPORT_VALID_DAYS,
        },
        language=user.language,
        time_zone=user.time_zone,
        once_key=f"data-export:{export.pk}",
        user=user,
        kind="data_export",
    )
