"""Knowledge of a community: /c/<slug>/knowledge/..."""

from django.urls import path  # noqa: F401

app_name = "knowledge"

urlpatterns: list = []
