"""The deployment's privacy notice (versioned) and what each person accepted of it."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Subquery

from cop_portal.models import ConsentRecord, PrivacyNotice


def notice_latest() -> PrivacyNotice | None:
    return PrivacyNotice.objects.order_by("-pk").first()


def consent_record(*, user, notice: PrivacyNotice) -> ConsentRecord:
    """Record that user accepted notice (accepting twice keeps the first record)."""
    record, _created = ConsentRecord.objects.get_or_create(user=user, notice=notice)
    return record


def notice_state(person: str = "pk") -> dict:
    """Return the annotations of the notice state for rows whose person's id is the column `person`.

    `privacy_latest_notice`: the latest notice's id; `privacy_notice_accepted`: whether that person
    accepted it. For people themselves (`pk`) or rows that name a person (a session's `user_id`).
    """
    latest = PrivacyNotice.objects.order_by("-pk").values("pk")[:1]
    accepted = ConsentRecord.objects.filter(user=OuterRef(person), notice=Subquery(latest))
    return {"privacy_latest_notice": Subquery(latest), "privacy_notice_accepted": Exists(accepted)}


def with_notice_state(people):
    """Annotate people with the latest notice's id (`privacy_latest_notice`) and whether they accepted it.

    The sign-in backends (cop_portal.privacy.backends) read the signed-in person through it, so the
    pages that show the "the notice changed" form ask nothing more of the database.
    """
    return people.annotate(**notice_state())


def notice_to_accept(user) -> PrivacyNotice | None:
    """Return the latest notice (its id is all the form needs) when user has not accepted it yet, else None."""
    if not user.is_authenticated:
        return None
    if not hasattr(user, "privacy_latest_notice"):  # not read through the portal's backends: one query
        state = with_notice_state(type(user)._default_manager.filter(pk=user.pk))
        user.privacy_latest_notice, user.privacy_notice_accepted = state.values_list(
            "privacy_latest_notice", "privacy_notice_accepted"
        ).get()
    latest = user.privacy_latest_notice
    return None if latest is None or user.privacy_notice_accepted else PrivacyNotice(pk=latest)
