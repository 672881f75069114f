"""Who reviews applications: the organisers of a meeting by default, and the people they name.

A named reviewer holds the per-object grant REVIEW_PERM on the meeting (like a co-organiser's
meetings.organise_meeting); it counts only while they are an active member of its community.
Reviewing means reading the applications (answers included) and scoring them; deciding who is
accepted stays with the organisers.
"""

from __future__ import annotations

from django.db.models import QuerySet

from ._base import _signed_in, is_portal_admin
from .grants import granted_ids, has_grant

REVIEW_PERM = "meetings.review_applications"


def reviewing_ids(user, model) -> QuerySet:
    """Return a subquery of the ids of model's objects (meetings) user was named to review."""
    return granted_ids(user, REVIEW_PERM, model)


def may_review(user, meeting, *, organises: bool) -> bool:
    """Return whether user may read and score meeting's applications.

    organises is the caller's answer to "does user organise meeting?" (meetings' manageable_by,
    itself built from this package); organisers review by default, others need the grant.
    """
    if organises or is_portal_admin(user):
        return True
    if not _signed_in(user):
        return False
    return has_grant(user, REVIEW_PERM, meeting)
