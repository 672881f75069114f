"""Addresses of the notifications layer outside /me/: one-click unsubscribe, the delivery log, custom reminders."""

from django.urls import path

from members import ids

from . import views

ids.register()

app_name = "notifications"

urlpatterns = [
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("c/<slug:community_slug>/manage/deliveries/", views.deliveries, name="deliveries"),
    path(
        "c/<slug:community_slug>/meetings/<id:meeting_pk>/reminders/",
        views.meeting_reminders,
        name="meeting_reminders",
    ),
    path("c/<slug:community_slug>/groups/<slug:group_slug>/follow/", views.group_follow, name="group_follow"),
]
