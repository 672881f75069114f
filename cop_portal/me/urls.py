"""A signed-in person's own pages: /me/..."""

from django.urls import path

from cop_portal.api import account as api_account
from cop_portal.notifications import views as notification_views
from cop_portal.privacy import views as privacy_views

from . import views

app_name = "me"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("invitations/<int:invitation_pk>/accept/", views.invitation_accept, name="invitation_accept"),
    path("notifications/", notification_views.settings_page, name="notifications"),
    path("api-tokens/", api_account.tokens_page, name="api_tokens"),
    path("api-tokens/<int:token_pk>/revoke/", api_account.token_revoke_view, name="api_token_revoke"),
    path("delete/", privacy_views.account_delete, name="account_delete"),
    path("data/", privacy_views.data_page, name="data"),
    path("data/request/", privacy_views.data_request, name="data_request"),
    path("data/<int:export_pk>/download/", privacy_views.data_download, name="data_download"),
]
