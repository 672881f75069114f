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
    path("manage/organisations/", views.manage_organisations, name="manage_organisations"),
    path(
        "manage/organisations/<int:organization_pk>/verify/",
        views.manage_organisation_verify,
        name="manage_organisation_verify",
    ),
    path(
        "manage/organisations/<int:organization_pk>/merge/",
        views.manage_organisation_merge,
        name="manage_organisation_merge",
    ),
    path("manage/onboarding/", views.manage_onboarding, name="manage_onboarding"),
    path("manage/page/", views.manage_page, name="manage_page"),
    path("manage/themes/", views.manage_themes, name="manage_themes"),
    path("manage/themes/merge/", views.manage_theme_merge, name="manage_theme_merge"),
    path("manage/themes/<int:theme_pk>/rename/", views.manage_theme_rename, name="manage_theme_rename"),
    path("manage/themes/<int:theme_pk>/retire/", views.manage_theme_retire, name="manage_theme_retire"),
    path("manage/themes/<int:theme_pk>/restore/", views.manage_theme_restore, name="manage_theme_restore"),
    path("manage/partners/", views.manage_partners, name="manage_partners"),
    path("manage/partners/add/", views.manage_partner_add, name="manage_partner_add"),
    path("manage/partners/<int:partnership_pk>/", views.manage_partner_edit, name="manage_partner_edit"),
    path("manage/partners/<int:partnership_pk>/end/", views.manage_partner_end, name="manage_partner_end"),
    path("manage/labels/", views.manage_labels, name="manage_labels"),
    path("manage/labels/roles/add/", views.manage_role_add, name="manage_role_add"),
    path("manage/labels/roles/<int:role_pk>/rename/", views.manage_role_rename, name="manage_role_rename"),
    path("manage/labels/roles/<int:role_pk>/move/", views.manage_role_move, name="manage_role_move"),
    path("manage/labels/roles/<int:role_pk>/delete/", views.manage_role_delete, name="manage_role_delete"),
    path("manage/labels/dimensions/add/", views.manage_dimension_add, name="manage_dimension_add"),
    path(
        "manage/labels/dimensions/<int:dimension_pk>/rename/",
        views.manage_dimension_rename,
        name="manage_dimension_rename",
    ),
    path(
        "manage/labels/dimensions/<int:dimension_pk>/move/", views.manage_dimension_move, name="manage_dimension_move"
    ),
    path(
        "manage/labels/dimensions/<int:dimension_pk>/delete/",
        views.manage_dimension_delete,
        name="manage_dimension_delete",
    ),
    path("manage/labels/dimensions/<int:dimension_pk>/values/add/", views.manage_value_add, name="manage_value_add"),
    path("manage/labels/values/<int:value_pk>/rename/", views.manage_value_rename, name="manage_value_rename"),
    path("manage/labels/values/<int:value_pk>/move/", views.manage_value_move, name="manage_value_move"),
    path("manage/labels/values/<int:value_pk>/delete/", views.manage_value_delete, name="manage_value_delete"),
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
