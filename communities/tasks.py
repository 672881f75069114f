"""Thin tasks: ids in, state re-checked, then the email of communities.notifications; safe to run twice.

A task sends nothing when what it announces is no longer true (the request was withdrawn,
the decision reversed, the role changed again, the invitation used or revoked), and each
email is sent at most once per event and recipient (see members.notifications).
"""

from celery import shared_task

from members.notifications import MAIL_RETRY as RETRY

from .models import Invitation, Membership, MembershipEvent


def _membership_and_event(membership_id: int, event_id: int, action: str, status: str):
    membership = (
        Membership.objects.filter(pk=membership_id, status=status).select_related("user", "community", "group").first()
    )
    event = MembershipEvent.objects.filter(pk=event_id, membership_id=membership_id, action=action).first()
    if membership is None or event is None:
        return None, None
    return membership, event


@shared_task(name="communities.notify_request_received", **RETRY)
def notify_request_received(membership_id: int, event_id: int) -> int:
    """Tell the deciders about a request that is still pending."""
    from . import notifications

    membership, event = _membership_and_event(
        membership_id, event_id, MembershipEvent.Action.REQUESTED, Membership.Status.PENDING
    )
    if membership is None:
        return 0
    return notifications.send_request_received(membership=membership, event=event)


@shared_task(name="communities.notify_decision", **RETRY)
def notify_decision(membership_id: int, event_id: int) -> bool:
    """Tell the requester about a decision that still stands."""
    from . import notifications

    event = MembershipEvent.objects.filter(pk=event_id, membership_id=membership_id).first()
    if event is None:
        return False
    status = {
        MembershipEvent.Action.APPROVED: Membership.Status.ACTIVE,
        MembershipEvent.Action.DECLINED: Membership.Status.DECLINED,
    }.get(event.action)
    if status is None:
        return False
    membership, event = _membership_and_event(membership_id, event_id, event.action, status)
    if membership is None:
        return False
    return notifications.send_decision(membership=membership, event=event)


@shared_task(name="communities.notify_role_changed", **RETRY)
def notify_role_changed(membership_id: int, event_id: int) -> bool:
    """Tell a member about a role change, unless their role has changed again since.

    The event is a role change, or the joining of someone named facilitator of a group they were not in.
    """
    from . import notifications

    event = MembershipEvent.objects.filter(pk=event_id, membership_id=membership_id).first()
    action = event.action if event is not None else MembershipEvent.Action.ROLE_CHANGED
    if action not in (MembershipEvent.Action.ROLE_CHANGED, MembershipEvent.Action.JOINED):
        return False
    membership, event = _membership_and_event(membership_id, event_id, action, Membership.Status.ACTIVE)
    if membership is None or membership.role != event.to_role:
        return False
    return notifications.send_role_changed(membership=membership, event=event)


@shared_task(name="communities.send_invitation", **RETRY)
def send_invitation(invitation_id: int, sent_count: int) -> bool:
    """Send an invitation that is still open, unexpired, and not sent again since (sent_count)."""
    from django.utils import timezone

    from . import notifications

    invitation = (
        Invitation.objects.open()
        .filter(pk=invitation_id, sent_count=sent_count, expires_at__gt=timezone.now())
        .select_related("community", "group", "invited_by")
        .first()
    )
    if invitation is None:
        return False
    return notifications.send_invitation(invitation=invitation)


def _imported(user_id: int, membership_ids: list[int]):
    from members.models import User

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return None, []
    memberships = list(
        Membership.objects.active()
        .filter(pk__in=membership_ids, user=user)
        .select_related("community", "group")
        .order_by("community__name", "group__sort_name", "pk")
    )
    return user, memberships


@shared_task(name="communities.send_import_welcome", **RETRY)
def send_import_welcome(user_id: int, membership_ids: list[int], once_key: str) -> bool:
    """Welcome a person whose account an import created, with a link to set their password."""
    from . import notifications

    user, memberships = _imported(user_id, membership_ids)
    if user is None:
        return False
    return notifications.send_import_welcome(user=user, memberships=memberships, once_key=once_key)


@shared_task(name="communities.send_import_added", **RETRY)
def send_import_added(user_id: int, membership_ids: list[int], once_key: str) -> bool:
    """Tell a person who already had an account the places an import added them to (those still theirs)."""
    from . import notifications

    user, memberships = _imported(user_id, membership_ids)
    if user is None or not memberships:
        return False
    return notifications.send_import_added(user=user, memberships=memberships, once_key=once_key)


@shared_task(name="communities.send_translation_request", **RETRY)
def send_translation_request(label: str, object_id: int, language: str, member_id: int, asker_id: int) -> bool:
    """Email a member asked to translate one object, while they may still translate it."""
    from django.apps import apps

    from members.models import User

    from . import notifications, permissions

    obj = apps.get_model(label)._default_manager.filter(pk=object_id).first()
    member = User.objects.filter(pk=member_id, is_active=True).first()
    if obj is None or member is None or not permissions.may_translate(member, obj):
        return False
    asker = User.objects.filter(pk=asker_id).first()
    return notifications.send_translation_request(obj=obj, language=language, member=member, asker=asker)


@shared_task(name="communities.deliver_webhook")
def deliver_webhook(delivery_id: int) -> str:
    """POST one webhook delivery if it is still pending and due (the row lock makes a second run post nothing)."""
    from .webhooks.delivery import deliver

    return deliver(delivery_id)


@shared_task(name="communities.retry_webhooks")
def retry_webhooks() -> int:
    """Hand the webhook deliveries whose retry is due to the outbox (beat, every minute)."""
    from .webhooks.delivery import retry_due

    return retry_due()


@shared_task(name="communities.notify_webhook_disabled", **RETRY)
def notify_webhook_disabled(endpoint_id: int) -> int:
    """Tell the coordinators that the portal disabled an endpoint, while it is still disabled."""
    from . import notifications
    from .models import WebhookEndpoint

    endpoint = WebhookEndpoint.objects.filter(pk=endpoint_id, is_active=False).select_related("community").first()
    if endpoint is None:
        return 0
    return notifications.send_webhook_disabled(endpoint=endpoint)
