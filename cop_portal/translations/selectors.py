"""Find translatable content through scoped querysets, and list what lacks a translation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Prefetch
from django.utils import timezone

from communities.models import Community, Group
from communities.services.translations import target_languages
from communities.translation import language_name
from discussions.models import Announcement
from meetings.models import Meeting

KINDS = ("community", "group", "meeting", "announcement")
# Meetings that ended this long ago are history: the list does not ask to translate them.
RECENT = timedelta(days=30)
ANNOUNCEMENTS_LISTED = 20


def find(kind: str, object_id: int, *, user, community: Community):
    """Return the object of kind the user may see in community, or None (hidden and missing alike)."""
    if kind == "community":
        return community if community.pk == object_id else None
    if kind == "group":
        queryset = Group.objects.visible_to(user).filter(community=community)
    elif kind == "meeting":
        queryset = Meeting.objects.visible_to(user).filter(community=community)
    elif kind == "announcement":
        queryset = Announcement.objects.visible_to(user).filter(community=community)
    else:
        return None
    return queryset.select_related("community").filter(pk=object_id).first()


@dataclass(frozen=True)
class Missing:
    obj: object
    kind: str
    kind_label: str
    title: str
    language: str
    language_name: str
    original_language: str


def missing_translations(community: Community) -> list[Missing]:
    """Return, for each content of community and each of its languages, the translations not written yet.

    Four queries whatever the amount: one per kind, each with its translations prefetched.
    """
    from django.utils.translation import gettext as _

    recent = timezone.now() - RECENT
    sources = [
        ("community", _("Community"), [community], "name"),
        ("group", _("Group"), Group.objects.filter(community=community, archived_at__isnull=True), "name"),
        ("meeting", _("Meeting"), Meeting.objects.filter(community=community, end__gte=recent), "title"),
        (
            "announcement",
            _("Announcement"),
            Announcement.objects.filter(community=community)[:ANNOUNCEMENTS_LISTED],
            "title",
        ),
    ]
    rows = []
    for kind, label, objects, title_field in sources:
        if kind != "community":
            objects = objects.prefetch_related(Prefetch("translations"))
        else:
            # The community row is already loaded; its translations are one small query.
            community._prefetched_objects_cache = getattr(community, "_prefetched_objects_cache", {})
            community._prefetched_objects_cache["translations"] = list(community.translations.all())
        for obj in objects:
            if kind != "community":
                obj.community = community  # content_language reads the community's default
            have = {row.language_code for row in obj.translations.all()}
            for language in target_languages(obj):
                if language not in have:
                    rows.append(
                        Missing(
                            obj=obj,
                            kind=kind,
                            kind_label=label,
                            title=getattr(obj, title_field),
                            language=language,
                            language_name=language_name(language),
                            original_language=obj.content_language,
                        )
                    )
    return rows
