"""Membership: who is an active member where, who may see a community's content, who may accept an invitation."""

from __future__ import annotations

from django.db.models import QuerySet

from members.id_lists import IdList

from ._base import _known_membership, _remembered, _signed_in, is_portal_admin
from .person import known_person, loaded_person

# --- Membership ------------------------------------------------------------------------------------


def active_community_ids(user) -> QuerySet | list[int]:
    """Return a subquery of the ids of the communities user is an active member of.

    Within a read-only request whose person is read (person.loaded_person), the same ids as a list.
    """
    from ..models import Membership

    if not _signed_in(user):
        return Membership.objects.none().values("community_id")
    if (person := loaded_person(user)) is not None:
        return IdList(sorted(person.active))
    return Membership.objects.active().community_level().filter(user=user).values("community_id")


def active_group_ids(user) -> QuerySet | list[int]:
    """Return a subquery of the ids of the groups user is an active member of (in a community they are in)."""
    from ..models import Membership

    if not _signed_in(user):
        return Membership.objects.none().values("group_id")
    if (person := loaded_person(user)) is not None:
        return person.active_group_ids()
    return (
        Membership.objects.active()
        .group_level()
        .filter(user=user, community__in=active_community_ids(user))
        .values("group_id")
    )


@_remembered
def is_active_member(user, community) -> bool:
    """Return whether user is an active member of community (portal administrators count as members)."""
    if is_portal_admin(user):
        return True
    if not _signed_in(user):
        return False
    from ..models import Membership

    if (person := known_person(user)) is not None:
        return person.is_active_member(community.pk)
    read, membership = _known_membership(user, community.pk, None)
    if read:
        return membership is not None and membership.status == Membership.Status.ACTIVE
    return Membership.objects.active().community_level().filter(user=user, community=community).exists()


def can_see_content(user, community) -> bool:
    """Return whether user may see community's content (its groups, people, meetings, items, threads).

    The same answer as Community.objects.content_visible_to(user), from the community row at hand
    and the membership answer: a public community's content shows to everyone, a members-only
    one's to its active members (portal administrators count as members).
    """
    from ..models import Community

    if community.visibility == Community.Visibility.PUBLIC:
        return True
    return is_active_member(user, community)


# --- Invitations -----------------------------------------------------------------------------------


def verified_addresses(user) -> QuerySet:
    """Return a subquery of user's verified email addresses, lower-cased (invitations store them so)."""
    from allauth.account.models import EmailAddress
    from django.db.models.functions import Lower

    if not _signed_in(user):
        return EmailAddress.objects.none().values("email")
    return EmailAddress.objects.filter(user=user, verified=True).annotate(address=Lower("email")).values("address")


def may_accept_invitation(user, invitation) -> bool:
    """Return whether user may accept invitation: it was sent to an address verified on their account.

    An invitation is for its address, not for whoever holds the link: a forwarded or leaked
    link gives nothing to another account. Every role follows the rule, a coordinator's role
    included, with no fallback to the account's (possibly unverified) main address; a person
    invited under another address of theirs adds it to their account and confirms it first.
    """
    if not _signed_in(user):
        return False
    address = (invitation.email or "").strip().lower()
    return bool(address) and verified_addresses(user).filter(address=address).exists()
