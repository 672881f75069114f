"""A signed-in person's own pages: /me/..."""

from django.urls import path

from . import me_views, notification_views

app_name = "me"

urlpatterns = [
    path("", me_views.dashboard, name="dashboard"),
    path("invitations/<int:invitation_pk>/accept/", me_views.invitation_accept, name="invitation_accept"),
    path("notifications/", notification_views.settings_page, name="notifications"),
]
