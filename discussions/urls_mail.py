"""Discussions by email: the inbound webhook, following and muting, the email settings of a community.

Included at the root of cop_portal/urls.py, so its paths are written out in full.
"""

from django.urls import path

from . import views_following, views_inbound

app_name = "discussion_mail"

urlpatterns = [
    path("inbound/email/", views_inbound.inbound_email, name="inbound_email"),
    path("c/<slug:community_slug>/discussions/follow/", views_following.community_follow, name="community_follow"),
    path(
        "c/<slug:community_slug>/discussions/follow/groups/<slug:group_slug>/",
        views_following.group_follow,
        name="group_follow",
    ),
    path(
        "c/<slug:community_slug>/discussions/follow/threads/<int:thread_pk>/",
        views_following.thread_follow,
        name="thread_follow",
    ),
    path(
        "c/<slug:community_slug>/discussions/email-settings/",
        views_following.email_settings,
        name="email_settings",
    ),
]
