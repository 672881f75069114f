"""Talk to a real `manage.py receive_mail` process: start it (the `smtp_server` fixture in conftest.py),
send it a message with smtplib, and wait for what it recorded."""

from __future__ import annotations

import smtplib
import socket
import sys
from email.message import EmailMessage

import pytest

from discussions.models import InboundMessage
from tests.processes import free_port, require_postgres_and_redis, service_env, wait_for


def listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def start_receive_mail(services):
    """Start receive_mail on a free port against the test database; return (port, its Service)."""
    require_postgres_and_redis()
    port = free_port()
    server = services(
        "receive_mail",
        [sys.executable, "manage.py", "receive_mail", "--host", "127.0.0.1", "--port", str(port)],
        service_env(DJANGO_SETTINGS_MODULE="cop_portal.settings.test", CELERY_TASK_ALWAYS_EAGER="true"),
    )
    assert wait_for(lambda: listening(port) or not server.alive, timeout=60), server.describe()
    assert server.alive, server.describe()
    return port, server


def send_email(
    port: int, *, sender: str, to: str, body: str, message_id: str, subject: str = "Re: Water plans", server=None
) -> None:
    """Send body (with a quoted tail, as a mail client writes it) to the server, failing if it refuses."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = message_id
    message.set_content(body + "\n\nOn Monday, the portal wrote:\n> Who has one?\n")
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as client:
        try:
            client.send_message(message, from_addr=sender, to_addrs=[to])
        except smtplib.SMTPException as error:
            pytest.fail(f"the server refused the message: {error}\n{server.describe() if server else ''}")


def wait_for_inbound(message_id: str, server, timeout: float = 30) -> InboundMessage:
    """Return the InboundMessage the server recorded for message_id, failing with its log after timeout."""
    found = []

    def arrived():
        found[:] = list(InboundMessage.objects.filter(message_id=message_id))
        return bool(found)

    assert wait_for(arrived, timeout=timeout), server.describe()
    return found[0]
