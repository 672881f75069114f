"""Inbound email: a reply to a discussion, or a new thread written to a space's incoming address.

message_receive() is the one path of the SMTP server (manage.py receive_mail) and of the webhook.
- Idempotent by Message-ID: the InboundMessage row is inserted first (its unique index is the
  lock: a concurrent redelivery waits, then finds it), so a redelivered message changes nothing
  and sends nothing.
- A reply address's token must be genuine (discussions.mail.addresses), the sender must be its
  person (their account or a verified address), and the person must still be allowed to post
  (communities.permissions.can_post_in): a member who left posts nothing.
- An incoming address takes messages from a verified address of a member of the space; the
  subject becomes the title.
- Quoted text and signatures are stripped (discussions.mail.parsing); the language is the
  message's Content-Language, else its script's, else the person's.
- A refusal (unknown address, forged token, wrong sender, non-member, oversized, empty, closed)
  records InboundMessage(outcome=refused, reason=<code>), posts nothing, and sends the sender one
  reply through the outbox and the ledger; an automatic message (a bounce, an out-of-office)
  gets no reply, lest two robots write to each other forever.
"""

from __future__ import annotations

from email.utils import getaddresses, parseaddr

from django.conf import settings
from django.db import IntegrityError, transaction

from communities import permissions
from members import outbox

from ..mail import parsing
from ..mail.addresses import read_target, read_token
from ..models import InboundMessage, Post, Thread
from ._common import DiscussionError
from .posting import post_reply, thread_start

# DiscussionError codes of the posting services, as the refusal reasons the sender is told.
_ERROR_REASONS = {
    "body_empty": "empty",
    "title_empty": "empty",
    "body_too_long": "oversized",
    "title_too_long": "oversized",
    "not_a_member": "not_a_member",
    "closed": "closed",
}


class _Refused(Exception):
    def __init__(self, code: str, person=None):
        super().__init__(code)
        self.code = code
        self.person = person


def _user_by_address(address: str):
    """Return the active person whose account address, or one of whose verified addresses, is address."""
    from allauth.account.models import EmailAddress

    from members.models import User

    if not address:
        return None
    user = User.objects.filter(email__iexact=address, is_active=True).first()
    if user is not None:
        return user
    row = EmailAddress.objects.filter(email__iexact=address, verified=True, user__is_active=True).first()
    return row.user if row else None


def _is_address_of(user, address: str) -> bool:
    from allauth.account.models import EmailAddress

    if not address:
        return False
    if user.email.lower() == address.lower():
        return True
    return EmailAddress.objects.filter(user=user, email__iexact=address, verified=True).exists()


def _target(recipients, headers):
    """Return the first of our addresses among the envelope recipients (else the To and Cc headers)."""
    for address in recipients:
        target = read_target(address)
        if target is not None:
            return target
    for _name, address in getaddresses([str(headers.get("To", "") or ""), str(headers.get("Cc", "") or "")]):
        target = read_target(address)
        if target is not None:
            return target
    return None


def _reply(*, target, message) -> Post:
    ids = read_token(target.token)
    if ids is None:
        raise _Refused("forged_token", _user_by_address(message.from_address))
    from members.models import User

    person = User.objects.filter(pk=ids[0], is_active=True).first()
    if person is None:
        raise _Refused("forged_token")
    if not _is_address_of(person, message.from_address):
        # The token names someone else: refuse in the language of whoever wrote, if we know them.
        raise _Refused("wrong_sender", _user_by_address(message.from_address))
    thread = Thread.objects.visible_to(person).select_related("community", "group").filter(pk=ids[1]).first()
    if thread is None:
        raise _Refused("thread_gone", person)
    if not permissions.can_post_in(person, thread.community, thread.group):
        raise _Refused("not_a_member", person)
    if not message.text:
        raise _Refused("empty", person)
    return post_reply(
        thread=thread,
        by=person,
        body=message.text,
        source=Post.Source.EMAIL,
        message_id=message.message_id,
        language=message.language or person.language,
    )


def _new_thread(*, target, message) -> Post:
    from communities.models import Community, Group

    person = _user_by_address(message.from_address)
    community = Community.objects.filter(slug=target.community_slug).first()
    group = None
    if community is not None and target.group_slug:
        group = Group.objects.filter(community=community, slug=target.group_slug).first()
    # An unknown space and a space the sender may not write in answer alike: nothing is revealed.
    if community is None or (target.group_slug and group is None) or person is None:
        raise _Refused("not_a_member", person)
    if not permissions.can_post_in(person, community, group):
        raise _Refused("not_a_member", person)
    if not message.text or not message.subject:
        raise _Refused("empty", person)
    thread = thread_start(
        community=community,
        group=group,
        by=person,
        title=message.subject,
        body=message.text,
        source=Post.Source.EMAIL,
        message_id=message.message_id,
        language=message.language or person.language,
    )
    return Post.objects.filter(message_id=message.message_id).first() or thread.last_post


def _process(*, raw: bytes, headers, target, envelope_from: str) -> Post:
    if target is None:
        raise _Refused("unknown_address", _user_by_address(parsing.from_address(headers)))
    if len(raw) > settings.INBOUND_MAX_BYTES:
        raise _Refused("oversized", _user_by_address(parsing.from_address(headers)))
    message = parsing.parse(raw, envelope_from=envelope_from)
    try:
        if target.token:
            return _reply(target=target, message=message)
        return _new_thread(target=target, message=message)
    except DiscussionError as error:
        code = _ERROR_REASONS.get(error.code, error.code or "refused")
        raise _Refused(code, _user_by_address(message.from_address)) from error


def message_receive(raw_bytes: bytes, *, envelope_from: str = "", recipients=()) -> InboundMessage:
    """Post an inbound email as a reply or a new thread, or refuse it; return its InboundMessage.

    The same Message-ID received again returns the first row and does nothing else.
    """
    raw = bytes(raw_bytes)
    headers = parsing.headers_only(raw)
    message_id = parsing.message_id_from(headers, raw)
    existing = InboundMessage.objects.filter(message_id=message_id).first()
    if existing is not None:
        return existing
    target = _target(list(recipients or ()), headers)
    envelope_address = parseaddr(envelope_from or "")[1]
    answer_to = (envelope_address or parsing.from_address(headers))[:254]
    with transaction.atomic():
        try:
            with transaction.atomic():
                inbound = InboundMessage.objects.create(
                    message_id=message_id,
                    sender=answer_to,
                    recipient=(target.address if target else ", ".join(recipients or ()))[:320],
                    outcome=InboundMessage.Outcome.REFUSED,
                    reason="received",
                )
        except IntegrityError:
            return InboundMessage.objects.get(message_id=message_id)  # delivered twice at once: the other one won
        try:
            with transaction.atomic():  # a refusal rolls back whatever was begun
                post = _process(raw=raw, headers=headers, target=target, envelope_from=envelope_from)
        except _Refused as refusal:
            inbound.reason = refusal.code[:200]
            inbound.save(update_fields=["reason"])
            if not parsing.is_auto_submitted(headers, envelope_from if envelope_from else answer_to):
                language = getattr(refusal.person, "language", "") or "en"
                outbox.enqueue(
                    "discussions.send_inbound_refusal", inbound.pk, language, key=f"discussions:refusal:{inbound.pk}"
                )
            return inbound
        inbound.outcome = InboundMessage.Outcome.POSTED
        inbound.reason = ""
        inbound.post = post
        inbound.save(update_fields=["outcome", "reason", "post"])
    return inbound
