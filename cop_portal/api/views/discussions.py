"""Discussions (threads and their posts) and announcements of a community."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from discussions.models import Announcement, Post, Thread
from discussions.services import AudienceChoice, announcement_send, post_reply, thread_start

from ..pagination import OldestFirstCursorPagination
from ..serializers import (
    AnnouncementInputSerializer,
    AnnouncementSerializer,
    PostInputSerializer,
    PostSerializer,
    ThreadInputSerializer,
    ThreadSerializer,
)
from ._base import CommunityScoped


class _Threads(CommunityScoped):
    """GET: the threads the person may read. POST: open a thread with its first post (members who may post)."""

    serializer_class = ThreadSerializer
    queryset = Thread.objects.none()

    def get_queryset(self):
        if self.fake():
            return Thread.objects.none()
        return (
            Thread.objects.visible_to(self.request.user)
            .filter(community=self.community)
            .select_related("group", "created_by")
        )


class ThreadList(_Threads, generics.ListAPIView):
    __doc__ = _Threads.__doc__

    @extend_schema(request=ThreadInputSerializer, responses={201: ThreadSerializer})
    def post(self, request, *args, **kwargs):
        data = ThreadInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        group = self.group_of(data.validated_data.get("group"))
        thread = thread_start(
            community=self.community,
            by=request.user,
            title=data.validated_data["title"],
            body=data.validated_data["body"],
            group=group,
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=thread.pk)).data, status=status.HTTP_201_CREATED)


class ThreadDetail(_Threads, generics.RetrieveAPIView):
    lookup_url_kwarg = "thread_pk"


class PostList(CommunityScoped, generics.ListAPIView):
    """GET: the posts of a thread, oldest first (deleted and hidden ones as empty placeholders). POST: reply."""

    serializer_class = PostSerializer
    queryset = Post.objects.none()
    pagination_class = OldestFirstCursorPagination  # a conversation reads oldest first

    @property
    def thread(self) -> Thread:
        if not hasattr(self, "_thread"):
            threads = Thread.objects.visible_to(self.request.user).filter(community=self.community)
            self._thread = get_object_or_404(threads, pk=self.kwargs["thread_pk"])
        return self._thread

    def get_queryset(self):
        if self.fake():
            return Post.objects.none()
        return Post.objects.filter(thread=self.thread).select_related("author")

    @extend_schema(request=PostInputSerializer, responses={201: PostSerializer})
    def post(self, request, *args, **kwargs):
        data = PostInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        post = post_reply(thread=self.thread, by=request.user, body=data.validated_data["body"])
        return Response(self.get_serializer(self.get_queryset().get(pk=post.pk)).data, status=status.HTTP_201_CREATED)


class _Announcements(CommunityScoped):
    """GET: the community's announcements. POST: send one to the community or a group (coordinators, facilitators)."""

    serializer_class = AnnouncementSerializer
    queryset = Announcement.objects.none()

    def get_queryset(self):
        if self.fake():
            return Announcement.objects.none()
        return (
            Announcement.objects.visible_to(self.request.user).filter(community=self.community).select_related("group")
        )


class AnnouncementList(_Announcements, generics.ListAPIView):
    __doc__ = _Announcements.__doc__

    @extend_schema(request=AnnouncementInputSerializer, responses={201: AnnouncementSerializer})
    def post(self, request, *args, **kwargs):
        data = AnnouncementInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        group = self.group_of(data.validated_data.get("group"))
        audience = (
            AudienceChoice(kind=Announcement.Audience.GROUP, group=group)
            if group is not None
            else AudienceChoice(kind=Announcement.Audience.COMMUNITY)
        )
        announcement = announcement_send(
            community=self.community,
            by=request.user,
            audience=audience,
            title=data.validated_data["title"],
            body=data.validated_data["body"],
        )
        return Response(self.get_serializer(announcement).data, status=status.HTTP_201_CREATED)


class AnnouncementDetail(_Announcements, generics.RetrieveAPIView):
    lookup_url_kwarg = "announcement_pk"
