"""/api/v1/: the versioned REST API. Every endpoint under communities/<slug>/ is walked by tests/test_isolation.py."""

from django.urls import path

from . import docs, schema  # noqa: F401  (schema registers the token scheme)
from .views import communities, discussions, knowledge, meetings

app_name = "api"

C = "communities/<slug:community_slug>/"

urlpatterns = [
    path("schema/", docs.SchemaView.as_view(), name="schema"),
    path("docs/", docs.DocsView.as_view(), name="docs"),
    path("me/", communities.Me.as_view(), name="me"),
    path("me/memberships/", communities.MyMemberships.as_view(), name="my_memberships"),
    path("me/memberships/leave/", communities.MyMembershipLeave.as_view(), name="my_membership_leave"),
    path("communities/", communities.CommunityList.as_view(), name="communities"),
    path(C, communities.CommunityDetail.as_view(), name="community"),
    path(f"{C}groups/", communities.GroupList.as_view(), name="groups"),
    path(f"{C}groups/<slug:group_slug>/", communities.GroupDetail.as_view(), name="group"),
    path(f"{C}memberships/", communities.MembershipList.as_view(), name="memberships"),
    path(f"{C}memberships/<int:membership_pk>/", communities.MembershipDetail.as_view(), name="membership"),
    path(
        f"{C}memberships/<int:membership_pk>/approve/",
        communities.MembershipApprove.as_view(),
        name="membership_approve",
    ),
    path(
        f"{C}memberships/<int:membership_pk>/decline/",
        communities.MembershipDecline.as_view(),
        name="membership_decline",
    ),
    path(f"{C}meetings/", meetings.MeetingList.as_view(), name="meetings"),
    path(f"{C}meetings/<int:meeting_pk>/", meetings.MeetingDetail.as_view(), name="meeting"),
    path(f"{C}meetings/<int:meeting_pk>/cancel/", meetings.MeetingCancel.as_view(), name="meeting_cancel"),
    path(f"{C}meetings/<int:meeting_pk>/registration/", meetings.MyRegistration.as_view(), name="registration"),
    path(f"{C}knowledge/", knowledge.KnowledgeItemList.as_view(), name="knowledge"),
    path(f"{C}knowledge/<int:knowledge_pk>/", knowledge.KnowledgeItemDetail.as_view(), name="knowledge_item"),
    path(
        f"{C}knowledge/<int:knowledge_pk>/publish/",
        knowledge.KnowledgeItemPublish.as_view(),
        name="knowledge_publish",
    ),
    path(f"{C}threads/", discussions.ThreadList.as_view(), name="threads"),
    path(f"{C}threads/<int:thread_pk>/", discussions.ThreadDetail.as_view(), name="thread"),
    path(f"{C}threads/<int:thread_pk>/posts/", discussions.PostList.as_view(), name="posts"),
    path(f"{C}announcements/", discussions.AnnouncementList.as_view(), name="announcements"),
    path(f"{C}announcements/<int:announcement_pk>/", discussions.AnnouncementDetail.as_view(), name="announcement"),
]
