"""python manage.py receive_mail [--host 127.0.0.1] [--port 2525] [--lmtp]: the inbound mail server.

An aiosmtpd server for REPLY_DOMAIN: replies to discussion emails and new threads written to a
space's incoming address. At RCPT it refuses (550) any address not at REPLY_DOMAIN; at DATA it
hands the message to services.inbound.message_receive (the path the webhook takes too) and
answers 250, a refusal included (the sender gets our reply), or 451 when something went wrong
here (the sending server tries again later; the Message-ID keeps a retry from posting twice).
Messages larger than INBOUND_MAX_BYTES are refused by the server itself (552).

The database work runs in Django's synchronous thread (sync_to_async, thread-sensitive), one
message at a time, with stale connections closed before and after, as a request would.
"""

from __future__ import annotations

import logging
import signal
import threading

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from discussions.mail.addresses import is_ours

logger = logging.getLogger("discussions.inbound")


def _receive(content: bytes, envelope_from: str, recipients: list[str]) -> str:
    from discussions.services.inbound import message_receive

    close_old_connections()
    try:
        inbound = message_receive(content, envelope_from=envelope_from, recipients=recipients)
        return f"{inbound.outcome} {inbound.reason}".strip()
    finally:
        close_old_connections()


class InboundHandler:
    """The aiosmtpd handler: decide at RCPT what it can, post at DATA."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if not is_ours(address):
            return "550 5.1.1 Unknown domain: this server takes mail for its discussions only"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        content = envelope.original_content or envelope.content
        if isinstance(content, str):
            content = content.encode("utf-8", "surrogateescape")
        try:
            outcome = await sync_to_async(_receive, thread_sensitive=True)(
                content, envelope.mail_from or "", list(envelope.rcpt_tos)
            )
        except Exception:
            logger.exception("Inbound message from %s could not be handled", envelope.mail_from)
            return "451 4.3.0 Temporary failure: try again later"
        logger.info("Inbound message from %s: %s", envelope.mail_from, outcome)  # not the (secret) reply address
        return "250 Message accepted"


class Command(BaseCommand):
    help = "Run the SMTP (or LMTP) server that receives replies to discussions and new threads by email."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
        parser.add_argument("--port", type=int, default=2525, help="port to listen on (default 2525)")
        parser.add_argument("--lmtp", action="store_true", help="speak LMTP instead of SMTP (behind a mail server)")

    def handle(self, *args, host, port, lmtp, **options):
        from aiosmtpd.controller import Controller
        from aiosmtpd.lmtp import LMTP

        # aiosmtpd logs every command at INFO, reply addresses (personal tokens) included: keep its warnings only.
        logging.getLogger("mail.log").setLevel(logging.WARNING)
        handler = InboundHandler()
        limit = settings.INBOUND_MAX_BYTES

        class _Controller(Controller):
            def factory(self):
                if lmtp:
                    return LMTP(self.handler, **self.SMTP_kwargs)
                return super().factory()

        controller = _Controller(
            handler,
            hostname=host,
            port=port,
            data_size_limit=limit,
            enable_SMTPUTF8=True,
            server_hostname=settings.REPLY_DOMAIN,
            ready_timeout=10,
        )
        stop = threading.Event()
        for name in ("SIGTERM", "SIGINT"):
            signal.signal(getattr(signal, name), lambda *_args: stop.set())
        controller.start()
        protocol = "LMTP" if lmtp else "SMTP"
        self.stdout.write(f"receive_mail: {protocol} on {host}:{port} for @{settings.REPLY_DOMAIN}", ending="\n")
        self.stdout.flush()
        try:
            stop.wait()
        finally:
            controller.stop()
            self.stdout.write("receive_mail: stopped")
