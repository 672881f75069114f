"""The emails of joining and leaving: who receives them and what they say (tasks call these).

Each email goes out in its recipient's language (User.language; for an address without an
account, the community's default language) and at most once per event and recipient (the
email ledger of members.notifications).
"""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse

from members.models import User
from members.notifications import absolute_url, send_templated_email

from .models import Invitation, Membership, MembershipEvent


def request_recipients(*, membership: Membership) -> list[User]:
    """Return who decides on membership's request: the coordinators, and the group's facilitators."""
    deciders = Q(group__isnull=True, role=Membership.Role.COORDINATOR)
    if membership.group_id:
        deciders |= Q(group_id=membership.group_id, role=Membership.Role.FACILITATOR)
    deciders = Membership.objects.active().filter(deciders, community_id=membership.community_id)
    people = User.objects.filter(pk__in=deciders.values("user_id"), is_active=True).exclude(pk=membership.user_id)
    return list(people.order_by("pk"))


def send_request_received(*, membership: Membership, event: MembershipEvent) -> int:
    """Tell the coordinators (and the group's facilitators) about a new request; return how many were sent."""
    console = reverse("communities:manage", kwargs={"community_slug": membership.community.slug})
    sent = 0
    for recipient in request_recipients(membership=membership):
        sent += send_templated_email(
            to_email=recipient.email,
            template_prefix="communities/emails/request_received",
            context={
                "recipient": recipient,
                "membership": membership,
                "requester": membership.user,
                "community": membership.community,
                "group": membership.group,
                "console_url": absolute_url(console),
            },
            language=recipient.language,
            time_zone=recipient.time_zone,
            once_key=f"membership-event:{event.pk}:{recipient.pk}",
            user=recipient,
            kind="request_received",
            community_id=membership.community_id,
        )
    return sent


def send_decision(*, membership: Membership, event: MembershipEvent) -> bool:
    """Tell the requester that their request was approved or declined (with the reason, when given)."""
    approved = event.action == MembershipEvent.Action.APPROVED
    place = membership.group or membership.community
    return send_templated_email(
        to_email=membership.user.email,
        template_prefix="communities/emails/decision_approved" if approved else "communities/emails/decision_declined",
        context={
            "recipient": membership.user,
            "membership": membership,
            "community": membership.community,
            "group": membership.group,
            "reason": event.reason,
            "place_url": absolute_url(place.get_absolute_url()),
        },
        language=membership.user.language,
        time_zone=membership.user.time_zone,
        once_key=f"membership-event:{event.pk}:{membership.user_id}",
        user=membership.user,
        kind="decision",
        community_id=membership.community_id,
    )


def send_role_changed(*, membership: Membership, event: MembershipEvent) -> bool:
    """Tell a member their role changed, and by whom."""
    place = membership.group or membership.community
    return send_templated_email(
        to_email=membership.user.email,
        template_prefix="communities/emails/role_changed",
        context={
            "recipient": membership.user,
            "membership": membership,
            "community": membership.community,
            "group": membership.group,
            "actor": event.actor,
            "from_role": Membership.Role(event.from_role).label if event.from_role else "",
            "to_role": Membership.Role(event.to_role).label if event.to_role else "",
            "place_url": absolute_url(place.get_absolute_url()),
        },
        language=membership.user.language,
        time_zone=membership.user.time_zone,
        once_key=f"membership-event:{event.pk}:{membership.user_id}",
        user=membership.user,
        kind="role_changed",
        community_id=membership.community_id,
    )


def invitation_language(*, chosen: str, account: User | None, community) -> str:
    """Return the language an invitation email is written in: the one chosen for the invitee (a bulk
    invitation's language column), else the language of the invitee's account, else the community's."""
    return (
        chosen or (account.language if account is not None and account.language else "") or community.default_language
    )


def send_invitation(*, invitation: Invitation) -> bool:
    """Send invitation's link to its address, in the invitee's language (see invitation_language)."""
    from .services import invitation_url

    account = User.objects.filter(email__iexact=invitation.email).first()
    language = invitation_language(chosen=invitation.language, account=account, community=invitation.community)
    return send_templated_email(
        to_email=invitation.email,
        template_prefix="communities/emails/invitation",
        context={
            "invitation": invitation,
            "community": invitation.community,
            "group": invitation.group,
            "inviter": invitation.invited_by,
            "role": Membership.Role(invitation.role).label,
            "accept_url": absolute_url(invitation_url(invitation)),
            "has_account": account is not None,
        },
        language=language,
        time_zone=account.time_zone if account else None,
        once_key=f"invitation:{invitation.pk}:{invitation.sent_count}",
        user=account,
        kind="invitation",
        community_id=invitation.community_id,
    )


# --- The admin import's emails -------------------------------------------------------------------


def set_password_url(user: User) -> str:
    """Return the absolute link where user sets a password: allauth's password reset link, made as allauth makes it."""
    from allauth.account.forms import default_token_generator
    from allauth.account.utils import user_pk_to_url_str

    path = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": default_token_generator.make_token(user)},
    )
    return absolute_url(path)


def _places(memberships: list[Membership]) -> list[dict]:
    """Return what the email lists: each community with the groups of it the person was added to."""
    places: dict[int, dict] = {}
    for membership in memberships:
        place = places.setdefault(
            membership.community_id,
            {
                "community": membership.community,
                "groups": [],
                "url": absolute_url(membership.community.get_absolute_url()),
            },
        )
        if membership.group_id:
            place["groups"].append(membership.group)
    return list(places.values())


def send_import_welcome(*, user: User, memberships: list[Membership], once_key: str) -> bool:
    """Welcome an imported person (a new account) in their language, with the link to set a password."""
    from django.conf import settings

    return send_templated_email(
        to_email=user.email,
        template_prefix="communities/emails/import_welcome",
        context={
            "recipient": user,
            "places": _places(memberships),
            "set_password_url": set_password_url(user),
            "reset_url": absolute_url(reverse("account_reset_password")),
            "link_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
        },
        language=user.language,
        time_zone=user.time_zone,
        once_key=once_key,
        user=user,
        kind="import_welcome",
        community_id=memberships[0].community_id if memberships else None,
    )


def send_import_added(*, user: User, memberships: list[Membership], once_key: str) -> bool:
    """Tell a person who already had an account which communities and groups an import added them to."""
    return send_templated_email(
        to_email=user.email,
        template_prefix="communities/emails/import_added",
        context={"recipient": user, "places": _places(memberships)},
        language=user.language,
        time_zone=user.time_zone,
        once_key=once_key,
        user=user,
        kind="import_added",
        community_id=memberships[0].community_id,
    )


def send_translation_request(*, obj, language: str, member: User, asker: User | None) -> bool:
    """Ask member, in their own language, to translate obj into language (with a link to the form)."""
    from .translation import language_name, localize

    community = obj if obj._meta.label == "communities.Community" else obj.community
    form = reverse(
        "translations:edit",
        kwargs={
            "community_slug": community.slug,
            "kind": obj._meta.model_name,
            "object_id": obj.pk,
            "language": language,
        },
    )
    from django.utils import translation

    with translation.override(member.language or community.default_language):
        shown = localize(obj)
        target = language_name(language)
    return send_templated_email(
        to_email=member.email,
        template_prefix="communities/emails/translation_request",
        context={
            "recipient": member,
            "asker": asker,
            "community": community,
            "shown": shown,
            "target_language": target,
            "form_url": absolute_url(form),
        },
        language=member.language or community.default_language,
        time_zone=member.time_zone,
        once_key=f"translation-ask:{obj._meta.label}:{obj.pk}:{language}:{member.pk}",
        user=member,
        kind="translation_request",
        community_id=community.pk,
    )


def send_webhook_disabled(*, endpoint) -> int:
    """Tell the community's coordinators that the portal disabled a failing webhook endpoint; return how many."""
    community = endpoint.community
    coordinators = Membership.objects.active().filter(
        community=community, group__isnull=True, role=Membership.Role.COORDINATOR
    )
    people = User.objects.filter(pk__in=coordinators.values("user_id"), is_active=True).order_by("pk")
    page = reverse("communities:manage_webhook", kwargs={"community_slug": community.slug, "webhook_pk": endpoint.pk})
    stamp = int(endpoint.disabled_at.timestamp()) if endpoint.disabled_at else 0
    sent = 0
    for recipient in people:
        sent += send_templated_email(
            to_email=recipient.email,
            template_prefix="communities/emails/webhook_disabled",
            context={
                "recipient": recipient,
                "community": community,
                "endpoint": endpoint,
                "endpoint_url": absolute_url(page),
            },
            language=recipient.language,
            time_zone=recipient.time_zone,
            once_key=f"webhook-disabled:{endpoint.pk}:{stamp}:{recipient.pk}",
            user=recipient,
            kind="webhook_disabled",
            community_id=community.pk,
        )
    return sent
