"""A signed-in person's own pages: /me/..."""

from django.urls import path  # noqa: F401

app_name = "me"

urlpatterns: list = []
