"""Announcements of a community: /c/<slug>/announcements/..."""

from django.urls import path

from . import views_announcements as views

app_name = "announcements"

urlpatterns = [
    path("", views.announcement_list, name="list"),
    path("new/", views.announcement_new, name="new"),
    path("<int:announcement_pk>/", views.announcement_detail, name="detail"),
]
