from django.urls import path

from . import views

app_name = "communities"

urlpatterns = [
    path("", views.community_home, name="home"),
    path("join/", views.join, name="join"),
    path("leave/", views.leave, name="leave"),
    path("groups/<slug:group_slug>/", views.group_detail, name="group"),
    path("groups/<slug:group_slug>/join/", views.group_join, name="group_join"),
    path("groups/<slug:group_slug>/leave/", views.group_leave, name="group_leave"),
    path("manage/", views.manage, name="manage"),
    path("manage/requests/<int:membership_pk>/approve/", views.manage_approve, name="manage_approve"),
    path("manage/requests/<int:membership_pk>/decline/", views.manage_decline, name="manage_decline"),
    path("manage/members/<int:membership_pk>/role/", views.manage_role, name="manage_role"),
    path("manage/members/<int:membership_pk>/remove/", views.manage_remove, name="manage_remove"),
    path("manage/history/", views.manage_history, name="manage_history"),
    path("manage/groups/", views.manage_groups, name="manage_groups"),
    path("manage/groups/new/", views.manage_group_new, name="manage_group_new"),
    path("manage/groups/<slug:group_slug>/edit/", views.manage_group_edit, name="manage_group_edit"),
    path("manage/groups/<slug:group_slug>/archive/", views.manage_group_archive, name="manage_group_archive"),
    path("manage/groups/<slug:group_slug>/restore/", views.manage_group_restore, name="manage_group_restore"),
    path("manage/groups/<slug:group_slug>/move/", views.manage_group_move, name="manage_group_move"),
    path(
        "manage/groups/<slug:group_slug>/facilitators/",
        views.manage_group_facilitator_add,
        name="manage_group_facilitator_add",
    ),
    path(
        "manage/groups/<slug:group_slug>/facilitators/<int:user_id>/end/",
        views.manage_group_facilitator_end,
        name="manage_group_facilitator_end",
    ),
    path("manage/invitations/", views.manage_invite, name="manage_invite"),
    path(
        "manage/invitations/<int:invitation_pk>/resend/",
        views.manage_invitation_resend,
        name="manage_invitation_resend",
    ),
    path(
        "manage/invitations/<int:invitation_pk>/revoke/",
        views.manage_invitation_revoke,
        name="manage_invitation_revoke",
    ),
]
