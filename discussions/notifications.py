"""Who gets which discussion email, in their language (transport and ledger: members.notifications)."""

from __future__ import annotations


def post_send(*, post_id: int) -> None:
    """Send a new post to its recipients once each (to be built: mailing-list mode, mentions, Reply-To)."""
    return None
