"""Addresses of the notifications layer outside /me/: one-click unsubscribe, the delivery log, custom reminders."""

from django.urls import path

from . import notification_views

app_name = "notifications"

urlpatterns = [
    path("unsubscribe/<str:token>/", notification_views.unsubscribe, name="unsubscribe"),
    path("c/<slug:community_slug>/manage/deliveries/", notification_views.deliveries, name="deliveries"),
    path(
        "c/<slug:community_slug>/meetings/<int:meeting_pk>/reminders/",
        notification_views.meeting_reminders,
        name="meeting_reminders",
    ),
]
