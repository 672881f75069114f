"""Knowledge items of a community: read what the person may see; share a new one; its editors change and publish it.

The item is found among those the person may see (else 404); item_update and item_publish decide who edits
(communities.permissions, through the service): anyone else gets 403.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from knowledge.models import KnowledgeItem
from knowledge.services import item_create, item_publish, item_update

from ..serializers import KnowledgeItemInputSerializer, KnowledgeItemSerializer, KnowledgeItemUpdateSerializer
from ._base import CommunityScoped, PostOnlyMixin


class _Items(CommunityScoped):
    """GET: the items the person may see (published ones, their own drafts, coordinators' drafts). POST: share one."""

    serializer_class = KnowledgeItemSerializer
    queryset = KnowledgeItem.objects.none()

    def get_queryset(self):
        if self.fake():
            return KnowledgeItem.objects.none()
        return KnowledgeItem.objects.visible_to(self.request.user).filter(community=self.community).for_list()


class KnowledgeItemList(_Items, generics.ListAPIView):
    __doc__ = _Items.__doc__

    @extend_schema(request=KnowledgeItemInputSerializer, responses={201: KnowledgeItemSerializer})
    def post(self, request, *args, **kwargs):
        data = KnowledgeItemInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        group = self.group_of(fields.pop("group", ""))
        item = item_create(community=self.community, by=request.user, group=group, **fields)
        item = self.get_queryset().get(pk=item.pk)
        return Response(self.get_serializer(item).data, status=status.HTTP_201_CREATED)


class KnowledgeItemDetail(_Items, generics.RetrieveAPIView):
    """GET: one item. PATCH: change the fields sent (its author, co-authors and coordinators), a new revision."""

    lookup_url_kwarg = "knowledge_pk"

    @extend_schema(request=KnowledgeItemUpdateSerializer, responses=KnowledgeItemSerializer)
    def patch(self, request, *args, **kwargs):
        item = self.get_object()
        data = KnowledgeItemUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = item_update(item=item, by=request.user, **data.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=item.pk)).data)


class KnowledgeItemPublish(PostOnlyMixin, _Items):
    """Publish a draft (its editors); publishing a published item changes nothing."""

    lookup_url_kwarg = "knowledge_pk"

    @extend_schema(request=None, responses=KnowledgeItemSerializer)
    def post(self, request, *args, **kwargs):
        item = item_publish(item=self.get_object(), by=request.user)
        return Response(self.get_serializer(self.get_queryset().get(pk=item.pk)).data)
