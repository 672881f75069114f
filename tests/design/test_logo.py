"""Community logos: pages show a small variant made when the logo is saved, never the full upload."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from communities.models import Community
from communities.services import community_logo_variant_update
from tests.factories import CommunityFactory, UserFactory

pytestmark = pytest.mark.django_db


def png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (31, 95, 139)).save(out, format="PNG")
    return out.getvalue()


def test_saving_a_logo_makes_a_variant_at_most_128_pixels_keeping_its_shape():
    community = CommunityFactory(logo=SimpleUploadedFile("big.png", png(1200, 600), content_type="image/png"))
    community_logo_variant_update(community=community)
    community.refresh_from_db()
    with Image.open(community.logo_small) as small:
        assert small.size == (128, 64)
    assert community.logo_small.size < len(png(1200, 600))


def test_running_it_twice_keeps_one_variant_file():
    community = CommunityFactory(logo=SimpleUploadedFile("logo.png", png(300, 300), content_type="image/png"))
    community_logo_variant_update(community=community)
    first = Community.objects.get(pk=community.pk).logo_small.name
    community_logo_variant_update(community=Community.objects.get(pk=community.pk))
    community.refresh_from_db()
    assert community.logo_small.storage.exists(community.logo_small.name)
    if community.logo_small.name != first:
        assert not community.logo_small.storage.exists(first), "the previous variant is removed"


def test_a_removed_or_unreadable_logo_leaves_no_variant():
    community = CommunityFactory(logo=SimpleUploadedFile("logo.png", png(300, 300), content_type="image/png"))
    community_logo_variant_update(community=community)
    community.logo = SimpleUploadedFile("broken.png", b"not an image", content_type="image/png")
    community.save()
    community_logo_variant_update(community=community)
    community.refresh_from_db()
    assert not community.logo_small


def test_the_admin_makes_the_variant_when_a_logo_is_uploaded(client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    community = CommunityFactory()
    client.force_login(admin)
    page = client.get(f"/admin/communities/community/{community.pk}/change/")
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and not isinstance(value, list)}
    data.update(
        {
            "name": community.name,
            "slug": community.slug,
            "languages": '["en"]',
            "eligible_organization_kinds": "[]",
            "themes": "",
            "logo": SimpleUploadedFile("new.png", png(512, 256), content_type="image/png"),
        }
    )
    for prefix in ("partner_roles", "memberships"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    response = client.post(f"/admin/communities/community/{community.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    community.refresh_from_db()
    with Image.open(community.logo_small) as small:
        assert small.size == (128, 64)


def test_the_community_page_shows_the_small_variant(client):
    community = CommunityFactory(logo=SimpleUploadedFile("logo.png", png(400, 400), content_type="image/png"))
    community_logo_variant_update(community=community)
    community.refresh_from_db()
    html = client.get(community.get_absolute_url()).content.decode()
    assert community.logo_small.url in html
    assert community.logo.url not in html
