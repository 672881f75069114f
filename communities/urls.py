from django.urls import path

from . import views

app_name = "communities"

urlpatterns = [
    path("", views.community_home, name="home"),
    path("groups/<slug:group_slug>/", views.group_detail, name="group"),
]
