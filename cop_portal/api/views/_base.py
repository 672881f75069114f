"""What every endpoint shares: the community of the URL, found through the scoped querysets (else 404)."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics

from communities.models import Community, Group


class CommunityScoped(generics.GenericAPIView):
    """An endpoint under /api/v1/communities/<slug>/: the community must show its content to the person.

    A hidden community, a members-only one to an outsider and a missing one all answer 404.
    """

    def fake(self) -> bool:
        """Tell whether drf-spectacular is calling (building the schema, with no real request)."""
        return getattr(self, "swagger_fake_view", False)

    @property
    def community(self) -> Community:
        if not hasattr(self, "_community"):
            community = (
                Community.objects.content_visible_to(self.request.user)
                .filter(slug=self.kwargs["community_slug"])
                .first()
            )
            if community is None:
                raise Http404
            self._community = community
        return self._community

    def group_of(self, slug: str | None) -> Group | None:
        """Return the group of the community named by slug (one the person may see), None for none; 400 if unknown."""
        if not slug:
            return None
        group = Group.objects.visible_to(self.request.user).filter(community=self.community, slug=slug).first()
        if group is None:
            raise exceptions.ValidationError({"group": [exceptions.ErrorDetail(_no_group(), code="invalid")]})
        return group


def _no_group() -> str:
    from django.utils.translation import gettext as _

    return _("There is no such group in this community.")


class PostOnlyMixin:
    """An action endpoint (POST); GET still finds its object first, so a hidden one answers 404 and not 405."""

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        self.get_object()
        raise exceptions.MethodNotAllowed(request.method)
