"""Announcements: a coordinator (or a group's facilitator) tells people something, by email, once.

Rules written once:
- A coordinator (communities.permissions.can_manage of the community) announces to the whole
  community, a group (not an archived one: it is read-only), the members of a partner role or
  the members from a country; a facilitator only to the groups they manage (can_manage of the group).
- The audience is the community's active members narrowed by the choice; of them, the people who
  receive it are active accounts with a verified address who have not turned announcements off
  (members.notifications' "announcements" stream). The count shown before sending and recorded on
  the announcement is the number of those people.
- announcement_send writes the announcement and ONE outbox row (key announcement:<id>) in the same
  transaction; announcement_deliver, run by the task, sends each person one email under the ledger
  key announcement:<id>:<user>, so two dispatchers or workers at once send each email once.
- A double-submitted form makes one announcement: the form's one-time token (nonce) is unique on
  the row, and the same title and text by the same person in the same community within two
  minutes is the same announcement.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from communities import permissions
from communities.models import Group, Membership, PartnerRole, Partnership
from communities.translation import localize
from knowledge.markup import render_markdown
from members import outbox
from members.models import NotificationPreference
from members.notifications import absolute_url, send_templated_email
from members.tokens import STREAM_ANNOUNCEMENTS

from ..models import Announcement
from ._common import BODY_LIMIT, DiscussionError, clean_text, clean_title

DOUBLE_SUBMIT_WINDOW = timedelta(minutes=2)
TASK_NAME = "discussions.send_announcement"
CHUNK = 500

Audience = Announcement.Audience


@dataclass(frozen=True)
class AudienceChoice:
    """Who an announcement is for: one of the four kinds and what it names."""

    kind: str
    group: Group | None = None
    partner_role: PartnerRole | None = None
    country: str = ""


def announcement_groups(*, user, community) -> QuerySet:
    """Return the groups of community user may announce to (all for a coordinator, their own for a facilitator).

    An archived group is read-only: nothing new goes out to its members, so it is not offered.
    """
    return Group.objects.filter(
        community=community, pk__in=permissions.managed_group_ids(user), archived_at__isnull=True
    ).in_order()


def can_announce(*, user, community) -> bool:
    """Return whether user may announce anything in community (its coordinators, the facilitators of a group)."""
    return permissions.manages_any_group(user, community)


def _check(*, user, community, audience: AudienceChoice) -> AudienceChoice:
    """Return audience checked against the rules; raise DiscussionError when it is refused or incomplete."""
    coordinator = permissions.can_manage(user, community)
    if audience.kind not in Audience.values:
        raise DiscussionError(_("Choose who receives the announcement."), code="audience_unknown")
    if audience.kind == Audience.GROUP:
        group = audience.group
        if group is None:
            raise DiscussionError(_("Choose the group that receives the announcement."), code="group_missing")
        if group.community_id != community.pk or not permissions.can_manage(user, group):
            raise DiscussionError(_("You can only announce to the groups you facilitate."), code="group_not_managed")
        group = Group.objects.get(pk=group.pk)  # as it is now: it may have been archived since the form was shown
        if not permissions.group_accepts_new_content(group):
            raise DiscussionError(
                _("%(group)s is archived: restore it before announcing to its members.") % {"group": group.name},
                code="group_archived",
            )
        return AudienceChoice(kind=audience.kind, group=group)
    if not coordinator:
        raise DiscussionError(
            _("Only the community's coordinators can announce to more than a group."), code="not_a_coordinator"
        )
    if audience.kind == Audience.PARTNER_ROLE:
        role = audience.partner_role
        if role is None or role.community_id != community.pk:
            raise DiscussionError(_("Choose a partner role of this community."), code="partner_role_missing")
        return AudienceChoice(kind=audience.kind, partner_role=role)
    if audience.kind == Audience.COUNTRY:
        country = (audience.country or "").strip().upper()
        if len(country) != 2 or not country.isalpha():
            raise DiscussionError(_("Choose a country."), code="country_missing")
        return AudienceChoice(kind=audience.kind, country=country)
    return AudienceChoice(kind=Audience.COMMUNITY)


def announcement_audience(*, community, audience: AudienceChoice) -> QuerySet:
    """Return the people of community that audience names: its active members, narrowed by the choice."""
    members = Membership.objects.active().community_level().filter(community=community).values("user_id")
    people = get_user_model().objects.filter(pk__in=members)
    if audience.kind == Audience.GROUP:
        in_group = Membership.objects.active().filter(community=community, group=audience.group).values("user_id")
        people = people.filter(pk__in=in_group)
    elif audience.kind == Audience.PARTNER_ROLE:
        partners = (
            Partnership.objects.current()
            .filter(community=community, role=audience.partner_role)
            .values("organization_id")
        )
        people = people.filter(organization__in=partners)
    elif audience.kind == Audience.COUNTRY:
        people = people.filter(country=audience.country)
    return people


def announcement_recipients(*, community, audience: AudienceChoice) -> QuerySet:
    """Return who receives an announcement to audience: active accounts with a verified address, announcements on."""
    verified = EmailAddress.objects.filter(user=OuterRef("pk"), email__iexact=OuterRef("email"), verified=True)
    turned_off = NotificationPreference.objects.filter(user=OuterRef("pk"), announcements_enabled=False)
    return (
        announcement_audience(community=community, audience=audience)
        .filter(is_active=True)
        .exclude(email="")
        .filter(Exists(verified))
        .exclude(Exists(turned_off))
        .order_by("pk")
    )


def announcement_count(*, user, community, audience: AudienceChoice) -> int:
    """Return how many people an announcement to audience would reach (the count shown before sending)."""
    audience = _check(user=user, community=community, audience=audience)
    return announcement_recipients(community=community, audience=audience).count()


def _audience_of(announcement: Announcement) -> AudienceChoice:
    return AudienceChoice(
        kind=announcement.audience,
        group=announcement.group,
        partner_role=announcement.partner_role,
        country=announcement.country,
    )


@transaction.atomic
def announcement_send(
    *,
    community,
    by,
    audience: AudienceChoice,
    title: str,
    body: str,
    nonce: str | None = None,
    language: str = "",
) -> Announcement:
    """Record an announcement and enqueue its emails; return it (the first one again for a double submit)."""
    if not can_announce(user=by, community=community):
        raise DiscussionError(_("Only coordinators and facilitators can send announcements."), code="not_a_manager")
    audience = _check(user=by, community=community, audience=audience)
    title = clean_title(title)
    body = clean_text(body, limit=BODY_LIMIT, field="body")
    nonce = (nonce or "").strip()[:64] or None
    if nonce:
        existing = Announcement.objects.filter(nonce=nonce, community=community, created_by=by).first()
        if existing is not None:
            return existing
    recent = (
        Announcement.objects.filter(
            community=community,
            created_by=by,
            title=title,
            body=body,
            created_at__gte=timezone.now() - DOUBLE_SUBMIT_WINDOW,
        )
        .order_by("pk")
        .first()
    )
    if recent is not None:
        return recent
    try:
        with transaction.atomic():
            announcement = Announcement.objects.create(
                community=community,
                group=audience.group,
                audience=audience.kind,
                partner_role=audience.partner_role,
                country=audience.country,
                title=title,
                body=body,
                body_html=render_markdown(body),
                # The language the author wrote in (the form defaults it to their interface language).
                language=language if language in dict(settings.LANGUAGES) else (getattr(by, "language", "") or ""),
                created_by=by,
                recipient_count=announcement_recipients(community=community, audience=audience).count(),
                nonce=nonce,
            )
    except IntegrityError:
        # The same form submitted twice at once: the other request made it.
        existing = Announcement.objects.filter(nonce=nonce).first()
        if existing is None or existing.community_id != community.pk or existing.created_by_id != by.pk:
            raise
        return existing
    outbox.enqueue(TASK_NAME, announcement.pk, key=f"announcement:{announcement.pk}")
    return announcement


def announcement_deliver(*, announcement_id: int) -> int:
    """Email an announcement to each of its recipients once, in their language; return how many were sent now.

    Safe to run twice at once: each email is claimed in the ledger under announcement:<id>:<user>.
    """
    announcement = (
        Announcement.objects.select_related("community", "group", "partner_role", "created_by")
        .prefetch_related("translations")  # each recipient reads their language's version, when there is one
        .filter(pk=announcement_id)
        .first()
    )
    if announcement is None:
        return 0
    community = announcement.community
    url = absolute_url(announcement.get_absolute_url())
    sent = 0
    recipients = announcement_recipients(community=community, audience=_audience_of(announcement))
    # Ids first, then people in chunks: no cursor stays open across the sends' own transactions.
    ids = list(recipients.values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK):
        for person in get_user_model().objects.filter(pk__in=ids[start : start + CHUNK]).order_by("pk"):
            sent += _send_one(announcement=announcement, person=person, url=url)
    return sent


def _send_one(*, announcement: Announcement, person, url: str) -> int:
    community = announcement.community
    language = person.language or settings.LANGUAGE_CODE
    shown = localize(announcement, language=language)
    # A translation is Markdown like the original, whose HTML was rendered once when it was sent.
    body_html = render_markdown(shown["body"]) if shown.translated else announcement.body_html
    context = {
        "announcement": announcement,
        "shown": shown,
        "body_html": body_html,
        "community": community,
        "recipient": person,
        "url": url,
    }
    return int(
        send_templated_email(
            to_email=person.email,
            user=person,
            template_prefix="discussions/emails/announcement",
            context=context,
            language=language,
            time_zone=person.time_zone,
            once_key=f"announcement:{announcement.pk}:{person.pk}",
            kind="announcement",
            community_id=community.pk,
            stream=STREAM_ANNOUNCEMENTS,
        )
    )
