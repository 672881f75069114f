"""When a membership ends: the co-organiser grants it carried are revoked, and its series follows end."""

from __future__ import annotations

from django.utils.translation import ngettext

from communities import permissions
from communities.models import Community
from members.models import User

from ..models import Meeting
from ._common import CO_ORGANISER_PERM
from .following import series_followers_ended


def meetings_membership_ended(*, user: User, community: Community, actor: User | None = None) -> list[str]:
    """Revoke user's co-organiser grants on community's meetings and end their series follows (a hook)."""
    series_followers_ended(user=user, community=community)  # new occurrences no longer register them
    grants = permissions.revoke_all_in(user=user, perm=CO_ORGANISER_PERM, model=Meeting, community=community)
    if not grants:
        return []
    return [
        ngettext(
            "Co-organiser rights on %(count)d meeting revoked.",
            "Co-organiser rights on %(count)d meetings revoked.",
            grants,
        )
        % {"count": grants}
    ]
