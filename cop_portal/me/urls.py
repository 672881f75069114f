"""A signed-in person's own pages: /me/..."""

from django.urls import path

from cop_portal.notifications import views as notification_views

from . import views

app_name = "me"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("invitations/<int:invitation_pk>/accept/", views.invitation_accept, name="invitation_accept"),
    path("notifications/", notification_views.settings_page, name="notifications"),
]
