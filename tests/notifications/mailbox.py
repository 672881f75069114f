"""A stand-in for the SMTP server outside the portal, for worker processes: each message becomes a file.

TEST_MAILBOX_DIR names the directory. TEST_MAILBOX_HANG_ON=<address> makes the delivery to that
address hang (after writing a "hanging" marker), so a test can kill the worker in the middle of a
batch, before that message is delivered.
"""

import os
import time
import uuid
from email import message_from_bytes
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend


class FileMailbox(BaseEmailBackend):
    def send_messages(self, email_messages):
        directory = Path(os.environ["TEST_MAILBOX_DIR"])
        hang_on = os.environ.get("TEST_MAILBOX_HANG_ON", "")
        for message in email_messages:
            if hang_on and hang_on in message.to:
                (directory / "hanging").write_text(hang_on)
                time.sleep(3600)  # until the test kills this worker
            data = message.message().as_bytes()
            path = directory / f"{uuid.uuid4().hex}.eml"
            path.with_suffix(".tmp").write_bytes(data)
            path.with_suffix(".tmp").rename(path)  # a reader never sees half a message
        return len(email_messages)


def delivered(directory: Path) -> list:
    """Return the messages delivered to directory, parsed."""
    return [message_from_bytes(path.read_bytes()) for path in sorted(directory.glob("*.eml"))]


class SlowLocmem(BaseEmailBackend):
    """The test outbox (django.core.mail.outbox), but each delivery takes half a second: races get room."""

    def send_messages(self, email_messages):
        from django.core.mail.backends.locmem import EmailBackend

        time.sleep(0.5)
        return EmailBackend().send_messages(email_messages)
