"""What ends in knowledge when a membership ends (a communities hook)."""

from __future__ import annotations

from communities import permissions
from communities.models import Community

from ..models import Collection, KnowledgeItem, ReviewRound
from ._common import CHANGE_PERM


def knowledge_membership_ended(*, user, community: Community, actor=None) -> list[str]:
    """End what user's membership of community gave them in knowledge; return what was ended.

    Registered as a communities hook (membership_ended). The person leaves the open review
    rounds on the community's items (completed rounds and submitted reviews stay as the
    record), loses their co-author edit grants (their authorship credit stays) and stops
    editing the community's collections.
    """
    from django.utils.translation import ngettext

    ended: list[str] = []
    rounds = list(ReviewRound.objects.filter(item__community=community, reviewers=user, state=ReviewRound.State.OPEN))
    for review_round in rounds:
        review_round.reviewers.remove(user)
    if rounds:
        ended.append(
            ngettext("Taken off %(count)d open review round.", "Taken off %(count)d open review rounds.", len(rounds))
            % {"count": len(rounds)}
        )
    grants = permissions.revoke_all_in(user=user, perm=CHANGE_PERM, model=KnowledgeItem, community=community)
    if grants:
        ended.append(
            ngettext(
                "Co-author edit rights on %(count)d item revoked.",
                "Co-author edit rights on %(count)d items revoked.",
                grants,
            )
            % {"count": grants}
        )
    collections = Collection.objects.filter(community=community, editor=user).update(editor=None)
    if collections:
        ended.append(
            ngettext(
                "No longer editor of %(count)d collection.", "No longer editor of %(count)d collections.", collections
            )
            % {"count": collections}
        )
    return ended
