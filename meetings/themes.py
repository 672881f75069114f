"""The meetings of a community carry themes: the theme console (communities) retags them."""

from __future__ import annotations

from communities.hooks import ThemedObjects

from .models import Meeting


def themed_meetings(*, community) -> list[ThemedObjects]:
    """Return the community's meetings (every status: past, held and cancelled ones keep their themes too)."""
    return [ThemedObjects(queryset=Meeting.objects.filter(community=community))]
