"""The small logo variant of a community."""

from __future__ import annotations

from ..models import Community
from ..permissions import person_cache

LOGO_SMALL_SIZE = (128, 128)
# A logo declaring more pixels than this is not decoded (it would take hundreds of MB of memory).
LOGO_MAX_PIXELS = 50_000_000


def _small_logo_png(source) -> bytes | None:
    """Return a PNG of source at most LOGO_SMALL_SIZE, or None when it is not a readable image."""
    import io

    from PIL import Image

    try:
        source.open("rb")
        with Image.open(source) as image:
            if image.width * image.height > LOGO_MAX_PIXELS:
                return None
            image.draft(None, LOGO_SMALL_SIZE)
            image.thumbnail(LOGO_SMALL_SIZE)
            if image.mode not in {"RGB", "RGBA", "L", "LA"}:
                image = image.convert("RGBA")
            out = io.BytesIO()
            image.save(out, format="PNG", optimize=True)
            return out.getvalue()
    except (OSError, ValueError, Image.DecompressionBombError):
        return None
    finally:
        source.close()


def community_logo_variant_update(*, community: Community) -> Community:
    """Make community.logo_small from community.logo (or drop it when there is no logo); safe to run twice.

    Pages show the small variant, so a visitor on a slow connection never downloads the
    full-size upload just to see a 64-pixel logo.
    """
    from django.core.files.base import ContentFile

    old_name = community.logo_small.name if community.logo_small else ""
    data = _small_logo_png(community.logo) if community.logo else None
    if data is None:
        if old_name:
            community.logo_small.delete(save=False)
            Community.objects.filter(pk=community.pk).update(logo_small="")
            person_cache.everyone_changed()  # no signal: the remembered rows of the community are old
        return community
    stem = community.logo.name.rsplit("/", 1)[-1].rsplit(".", 1)[0] or community.slug
    community.logo_small.save(f"{stem}-128.png", ContentFile(data), save=False)
    Community.objects.filter(pk=community.pk).update(logo_small=community.logo_small.name)
    person_cache.everyone_changed()  # no signal: the remembered rows of the community are old
    if old_name and old_name != community.logo_small.name:
        community.logo_small.storage.delete(old_name)
    return community
