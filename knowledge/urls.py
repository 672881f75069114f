"""Knowledge of a community: /c/<slug>/knowledge/..."""

from django.urls import path

from . import feeds, views

app_name = "knowledge"

urlpatterns = [
    path("", views.item_list, name="list"),
    path("feed/", feeds.CommunityItemsFeed(), name="feed"),
    path("new/", views.item_create, name="item_create"),
    path("items/<int:knowledge_pk>/", views.item_detail, name="item"),
    path("items/<int:knowledge_pk>/edit/", views.item_edit, name="item_edit"),
    path("items/<int:knowledge_pk>/publish/", views.item_publish, name="item_publish"),
    path("items/<int:knowledge_pk>/files/", views.file_upload, name="file_upload"),
    path("items/<int:knowledge_pk>/translations/", views.item_translations_view, name="item_translations"),
    path("items/<int:knowledge_pk>/history/", views.revision_list, name="history"),
    path("items/<int:knowledge_pk>/comments/", views.comment_create, name="comment_create"),
    path("items/<int:knowledge_pk>/answers/", views.answer_create, name="answer_create"),
    path("items/<int:knowledge_pk>/follow/", views.item_follow, name="item_follow"),
    path("items/<int:knowledge_pk>/review/", views.review_request, name="review_request"),
    path("files/<uuid:file_uuid>/", views.file_download, name="file_download"),
    path("files/<uuid:file_uuid>/thumbnail/", views.file_thumbnail, name="file_thumbnail"),
    path("files/<uuid:file_uuid>/delete/", views.file_delete, name="file_delete"),
    path("revisions/<int:revision_pk>/", views.revision_detail, name="revision"),
    path("revisions/<int:revision_pk>/restore/", views.revision_restore, name="revision_restore"),
    path("answers/<int:answer_pk>/accept/", views.answer_accept, name="answer_accept"),
    path("groups/<slug:group_slug>/follow/", views.group_follow, name="group_follow"),
    path("meetings/<int:meeting_pk>/comments/", views.meeting_comment_create, name="meeting_comment_create"),
    path("collections/", views.collection_list, name="collections"),
    path("collections/new/", views.collection_create, name="collection_create"),
    path("collections/<int:collection_pk>/", views.collection_detail, name="collection"),
    path("collections/<int:collection_pk>/edit/", views.collection_edit, name="collection_edit"),
    path("collections/<int:collection_pk>/delete/", views.collection_delete, name="collection_delete"),
    path("collections/<int:collection_pk>/entries/", views.collection_entries, name="collection_entries"),
    path("collections/<int:collection_pk>/print/", views.collection_print, name="collection_print"),
    path("collections/<int:collection_pk>/export.html", views.collection_export_html, name="collection_html"),
    path("collections/<int:collection_pk>/export.pdf", views.collection_export_pdf, name="collection_pdf"),
    path("reviews/<int:round_pk>/", views.review_round_detail, name="review_round"),
    path("reviews/<int:round_pk>/review/", views.review_submit, name="review_submit"),
    path("reviews/<int:round_pk>/respond/", views.review_respond, name="review_respond"),
    path("reviews/<int:round_pk>/close/", views.review_round_close, name="review_close"),
]
