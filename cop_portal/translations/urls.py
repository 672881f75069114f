from django.urls import path

from . import views

app_name = "translations"

urlpatterns = [
    path("manage/translations/", views.missing_list, name="missing"),
    path(
        "translate/<str:kind>/<int:object_id>/<str:language>/",
        views.translation_edit,
        name="edit",
    ),
]
