"""Invitation links: /invitations/<token>/ (outside /c/, the token names its community)."""

from django.urls import path

from . import views

app_name = "invitations"

urlpatterns = [
    path("<str:token>/", views.invitation_detail, name="detail"),
]
