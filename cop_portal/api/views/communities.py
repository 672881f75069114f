"""Communities, groups and memberships; joining and leaving as oneself; coordinators deciding on requests."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.response import Response

from communities import permissions
from communities.models import Community, Group, Membership
from communities.selectors import my_memberships
from communities.services import (
    group_create,
    group_update,
    membership_approve,
    membership_change_role,
    membership_decline,
    membership_leave,
    membership_remove,
    membership_request,
)

from ..serializers import (
    CommunitySerializer,
    DecisionSerializer,
    GroupInputSerializer,
    GroupSerializer,
    MembershipJoinSerializer,
    MembershipRoleSerializer,
    MembershipSerializer,
    MeSerializer,
)
from ._base import CommunityScoped, PostOnlyMixin


class CommunityList(generics.ListAPIView):
    """The communities of the directory: public and members-only ones, and the hidden ones the person belongs to."""

    serializer_class = CommunitySerializer
    queryset = Community.objects.none()

    def get_queryset(self):
        return Community.objects.listed_for(self.request.user)


class CommunityDetail(generics.RetrieveAPIView):
    """A community's public card (what its landing page shows to anyone who may find it)."""

    serializer_class = CommunitySerializer
    queryset = Community.objects.none()
    lookup_field = "slug"
    lookup_url_kwarg = "community_slug"

    def get_queryset(self):
        return Community.objects.visible_to(self.request.user)


class _Groups(CommunityScoped):
    serializer_class = GroupSerializer
    queryset = Group.objects.none()

    def get_queryset(self):
        if self.fake():
            return Group.objects.none()
        return Group.objects.visible_to(self.request.user).filter(community=self.community)


class GroupList(_Groups, generics.ListAPIView):
    """GET: the groups the person may see. POST: create one (the community's coordinators), as the console does."""

    @extend_schema(request=GroupInputSerializer, responses={201: GroupSerializer})
    def post(self, request, *args, **kwargs):
        if not permissions.may_shape_groups(request.user, self.community):
            raise exceptions.PermissionDenied
        data = GroupInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        group = group_create(community=self.community, by=request.user, **data.validated_data)
        return Response(GroupSerializer(group).data, status=status.HTTP_201_CREATED)


class GroupDetail(_Groups, generics.RetrieveAPIView):
    """GET: one group. PATCH: change the fields sent (coordinators: all; its facilitators: the description)."""

    lookup_field = "slug"
    lookup_url_kwarg = "group_slug"

    @extend_schema(request=GroupInputSerializer(partial=True), responses=GroupSerializer)
    def patch(self, request, *args, **kwargs):
        group = self.get_object()
        if not permissions.can_manage(request.user, group):
            raise exceptions.PermissionDenied
        data = GroupInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        group = group_update(group=group, by=request.user, **data.validated_data)
        return Response(GroupSerializer(group).data)


class _Memberships(CommunityScoped):
    """Memberships of the community: every one for its coordinators, a group's for its facilitators, else one's own."""

    serializer_class = MembershipSerializer
    queryset = Membership.objects.none()

    def get_queryset(self):
        if self.fake():
            return Membership.objects.none()
        user, community = self.request.user, self.community
        if not user.is_authenticated:
            return Membership.objects.none()
        # Two querysets, not two Qs: a coordinator's filter is the empty Q(), which an OR would drop.
        managed = Membership.objects.filter(permissions.managed_membership_filter(user, community), community=community)
        mine = Membership.objects.filter(user=user, community=community)
        return (managed | mine).exclude(status=Membership.Status.LEFT).select_related("user", "group")


class MembershipList(_Memberships, generics.ListAPIView):
    __doc__ = _Memberships.__doc__


class MembershipDetail(_Memberships, generics.RetrieveAPIView):
    """GET: one membership. PATCH {"role"}: give the member another role. DELETE: remove the member.

    Changing and removing are for coordinators (and a group's facilitators for its members): the membership
    is then found among those the person manages, so anyone else gets 404.
    """

    lookup_url_kwarg = "membership_pk"

    def _managed(self) -> Membership:
        managed = Membership.objects.manageable_by(self.request.user, self.community).select_related("user", "group")
        membership = managed.filter(pk=self.kwargs["membership_pk"]).first()
        if membership is None:
            raise Http404
        return membership

    @extend_schema(request=MembershipRoleSerializer, responses=MembershipSerializer)
    def patch(self, request, *args, **kwargs):
        membership = self._managed()
        data = MembershipRoleSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        membership = membership_change_role(membership=membership, role=data.validated_data["role"], by=request.user)
        return Response(MembershipSerializer(membership).data)

    @extend_schema(request=DecisionSerializer, responses=MembershipSerializer)
    def delete(self, request, *args, **kwargs):
        membership = self._managed()
        data = DecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        membership = membership_remove(
            membership=membership, by=request.user, reason=data.validated_data.get("reason", "")
        )
        return Response(MembershipSerializer(membership).data)


class _Decision(PostOnlyMixin, CommunityScoped, generics.GenericAPIView):
    serializer_class = DecisionSerializer
    queryset = Membership.objects.none()
    lookup_url_kwarg = "membership_pk"
    service = None

    def get_queryset(self):
        if self.fake():
            return Membership.objects.none()
        return Membership.objects.manageable_by(self.request.user, self.community).select_related("user", "group")

    @extend_schema(request=DecisionSerializer, responses=MembershipSerializer)
    def post(self, request, *args, **kwargs):
        membership = self.get_object()
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        membership = type(self).service(
            membership=membership, by=request.user, reason=data.validated_data.get("reason", "")
        )
        return Response(MembershipSerializer(membership, context=self.get_serializer_context()).data)


class MembershipApprove(_Decision):
    """Let a pending requester in (coordinators, and facilitators for their groups)."""

    service = staticmethod(membership_approve)


class MembershipDecline(_Decision):
    """Turn a pending request down, with a reason the requester reads."""

    service = staticmethod(membership_decline)


class Me(generics.GenericAPIView):
    """The person the request acts as."""

    serializer_class = MeSerializer

    def get(self, request):
        if not request.user.is_authenticated:
            raise exceptions.NotAuthenticated
        return Response(MeSerializer(request.user).data)


class MyMemberships(generics.GenericAPIView):
    """GET: one's memberships and requests. POST: join an open community or group, or ask to join one that approves."""

    serializer_class = MembershipJoinSerializer
    pagination_class = None

    def _place(self, data) -> tuple[Community, Group | None]:
        community = Community.objects.visible_to(self.request.user).filter(slug=data["community"]).first()
        if community is None:
            raise Http404
        group = None
        if slug := data.get("group"):
            group = Group.objects.visible_to(self.request.user).filter(community=community, slug=slug).first()
            if group is None:
                raise Http404
        return community, group

    @extend_schema(responses=MembershipSerializer(many=True))
    def get(self, request):
        if not request.user.is_authenticated:
            raise exceptions.NotAuthenticated
        rows = my_memberships(user=request.user)
        return Response(MembershipSerializer(rows, many=True, context=self.get_serializer_context()).data)

    @extend_schema(request=MembershipJoinSerializer, responses={201: MembershipSerializer})
    def post(self, request):
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        community, group = self._place(data.validated_data)
        membership = membership_request(
            user=request.user, community=community, group=group, message=data.validated_data.get("message", "")
        )
        return Response(MembershipSerializer(membership).data, status=status.HTTP_201_CREATED)


class MyMembershipLeave(MyMemberships):
    """Leave a community (and its groups) or one group, or withdraw a pending request."""

    @extend_schema(exclude=True)
    def get(self, request):
        raise exceptions.MethodNotAllowed(request.method)

    @extend_schema(request=MembershipJoinSerializer, responses={200: MembershipSerializer, 204: None})
    def post(self, request):
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        community, group = self._place(data.validated_data)
        membership = membership_leave(user=request.user, community=community, group=group)
        if membership is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(MembershipSerializer(membership).data)
