"""What the discussion services share: the error, text cleaning and the permission checks."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from communities import permissions

BODY_LIMIT = 50_000
TITLE_LIMIT = 200


class DiscussionError(ValidationError):
    """A write the rules refuse; its message says why (translated), its code names the rule."""

    @property
    def text(self) -> str:
        return " ".join(str(message) for message in self.messages)


def clean_text(value: str | None, *, limit: int, field: str) -> str:
    """Return value without NUL bytes and surrounding blanks; refuse it empty or too long."""
    value = (value or "").replace("\x00", "").strip()
    if not value:
        raise DiscussionError(_("Write something first."), code=f"{field}_empty")
    if len(value) > limit:
        raise DiscussionError(
            _("This is too long: at most %(limit)d characters.") % {"limit": limit}, code=f"{field}_too_long"
        )
    return value


def clean_title(value: str | None) -> str:
    title = clean_text(value, limit=TITLE_LIMIT, field="title")
    if any(ord(ch) < 32 for ch in title):
        raise DiscussionError(_("A title is one line of text."), code="title_control_characters")
    return title


def require_poster(*, user, community, group=None) -> None:
    if not permissions.can_post_in(user, community, group):
        if group is not None:
            message = _("Only members of this group can write here.")
        else:
            message = _("Only members of this community can write here.")
        raise DiscussionError(message, code="not_a_member")


def can_moderate(user, thread) -> bool:
    """Return whether user moderates thread: the community's coordinators, the group's facilitators."""
    return permissions.can_manage(user, thread.community) or (
        thread.group_id is not None and permissions.can_manage(user, thread.group)
    )
