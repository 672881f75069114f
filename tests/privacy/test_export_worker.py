"""A data export asked for on the page is built by a real Celery worker process and mailed once as a link.

The request writes the DataExport row and its outbox message in one transaction; the outbox hands the
task to the real broker (Redis) on commit; a worker process on the PostgreSQL test database builds the
ZIP and sends the email through the ledger. The SMTP server outside is a directory (tests/notifications/mailbox.py).
"""

import io
import json
import re
import zipfile

import pytest
from django.urls import reverse

from cop_portal.models import DataExport
from members.models import EmailLedger, OutboxMessage
from tests.factories import CommunityFactory, UserFactory, make_member
from tests.notifications.mailbox import delivered
from tests.notifications.test_worker_delivery import mail_queue, mailbox, start_worker  # noqa: F401 - fixtures
from tests.processes import wait_for

pytestmark = pytest.mark.celery_worker


def test_a_worker_builds_the_export_asked_for_on_the_page_and_mails_its_link_once(
    services,
    mail_queue,  # noqa: F811
    mailbox,  # noqa: F811
    client,
    settings,
    tmp_path,
):
    media = tmp_path / "media"
    media.mkdir()
    settings.MEDIA_ROOT = media
    community = CommunityFactory()
    zelda = make_member(community, UserFactory(email="zelda.worker@example.org", full_name="Zelda Worker"))
    worker = start_worker(services, mail_queue, mailbox, MEDIA_ROOT=str(media))
    client.force_login(zelda)

    response = client.post(reverse("me:data_request"))
    assert response.status_code == 302
    export = DataExport.objects.get(user=zelda)
    assert OutboxMessage.objects.filter(key=f"data-export:{export.pk}").exists()

    def mailed():
        assert worker.alive, f"the worker stopped\n{worker.describe()}"
        return [m for m in delivered(mailbox) if m["To"] == zelda.email]

    assert wait_for(mailed, timeout=90), worker.describe()
    export.refresh_from_db()
    assert export.path and export.ready_at is not None, "the worker built the file"
    assert EmailLedger.objects.filter(key=f"data-export:{export.pk}", status=EmailLedger.Status.SENT).count() == 1
    (message,) = mailed()
    body = "".join(
        part.get_payload(decode=True).decode() for part in message.walk() if part.get_content_type() == "text/plain"
    )
    link = reverse("me:data_download", kwargs={"export_pk": export.pk})
    assert re.search(re.escape(link), body), body

    download = client.get(link)
    assert download.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    data = json.loads(archive.read("data.json"))
    assert "zelda.worker@example.org" in json.dumps(data)

    wait_for(lambda: False, timeout=2)  # room for a duplicate to arrive, if one were sent
    assert len(mailed()) == 1
