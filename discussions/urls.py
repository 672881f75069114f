"""Discussions of a community: /c/<slug>/discussions/..."""

from django.urls import path

from . import views

app_name = "discussions"

urlpatterns = [
    path("", views.thread_list, name="list"),
    path("new/", views.thread_create, name="thread_create"),
    path("flags/", views.flag_list, name="flags"),
    path("<int:thread_pk>/", views.thread_detail, name="thread_detail"),
    path("<int:thread_pk>/reply/", views.thread_reply, name="thread_reply"),
    path("<int:thread_pk>/pin/", views.thread_pin, name="thread_pin"),
    path("<int:thread_pk>/unpin/", views.thread_unpin, name="thread_unpin"),
    path("<int:thread_pk>/close/", views.thread_close, name="thread_close"),
    path("<int:thread_pk>/reopen/", views.thread_reopen, name="thread_reopen"),
    path("<int:thread_pk>/move/", views.thread_move, name="thread_move"),
    path("posts/<int:post_pk>/edit/", views.post_edit, name="post_edit"),
    path("posts/<int:post_pk>/history/", views.post_history, name="post_history"),
    path("posts/<int:post_pk>/delete/", views.post_delete, name="post_delete"),
    path("posts/<int:post_pk>/hide/", views.post_hide, name="post_hide"),
    path("posts/<int:post_pk>/unhide/", views.post_unhide, name="post_unhide"),
    path("posts/<int:post_pk>/flag/", views.post_flag, name="post_flag"),
]
