"""Meetings of a community: /c/<slug>/meetings/..."""

from django.urls import path

from members import ids

from . import views

ids.register()  # <id:...>: an id beyond the database's range is a 404, not an overflow

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("calendar/", views.meeting_calendar, name="calendar"),
    path("new/", views.meeting_create, name="create"),
    path("series/new/", views.series_create, name="series_create"),
    path("series/<id:series_pk>/", views.series_detail, name="series"),
    path("series/<id:series_pk>/follow/", views.series_follow, name="series_follow"),
    path("series/<id:series_pk>/leave/", views.series_leave, name="series_leave"),
    path("series/<id:series_pk>/extend/", views.series_extend, name="series_extend"),
    path("actions/", views.action_register, name="actions"),
    path("actions/<id:action_pk>/status/", views.action_status, name="action_status"),
    path("<id:meeting_pk>/", views.meeting_detail, name="detail"),
    path("<id:meeting_pk>/meeting.ics", views.meeting_ics, name="ics"),
    path("<id:meeting_pk>/register/", views.register, name="register"),
    path("<id:meeting_pk>/unregister/", views.unregister, name="unregister"),
    path("<id:meeting_pk>/my-answers/", views.my_answers, name="my_answers"),
    path("<id:meeting_pk>/apply/", views.apply, name="apply"),
    path("<id:meeting_pk>/my-application/", views.my_application, name="my_application"),
    path("<id:meeting_pk>/my-application/withdraw/", views.application_withdraw, name="application_withdraw"),
    path("<id:meeting_pk>/my-application/confirm/", views.application_confirm, name="application_confirm"),
    path("<id:meeting_pk>/applications/", views.applications, name="applications"),
    path("<id:meeting_pk>/applications/setup/", views.applications_setup, name="applications_setup"),
    path("<id:meeting_pk>/applications/decide/", views.applications_decide, name="applications_decide"),
    path(
        "<id:meeting_pk>/applications/<id:registration_pk>/",
        views.application_review,
        name="application_review",
    ),
    path("<id:meeting_pk>/form/", views.form_builder, name="form_builder"),
    path("<id:meeting_pk>/form/built-in/", views.form_builtin, name="form_builtin"),
    path("<id:meeting_pk>/form/<id:question_pk>/edit/", views.question_edit, name="question_edit"),
    path("<id:meeting_pk>/form/<id:question_pk>/move/", views.question_move, name="question_move"),
    path("<id:meeting_pk>/form/<id:question_pk>/delete/", views.question_delete, name="question_delete"),
    path("<id:meeting_pk>/skip/", views.occurrence_skip, name="occurrence_skip"),
    path("<id:meeting_pk>/unskip/", views.occurrence_unskip, name="occurrence_unskip"),
    path("<id:meeting_pk>/bulk/", views.bulk, name="bulk"),
    path("<id:meeting_pk>/edit/", views.meeting_edit, name="edit"),
    path("<id:meeting_pk>/duplicate/", views.meeting_duplicate, name="duplicate"),
    path("<id:meeting_pk>/cancel/", views.meeting_cancel, name="cancel"),
    path("<id:meeting_pk>/agenda/", views.agenda, name="agenda"),
    path("<id:meeting_pk>/agenda/<id:agenda_item_pk>/edit/", views.agenda_item_edit, name="agenda_item_edit"),
    path("<id:meeting_pk>/agenda/<id:agenda_item_pk>/move/", views.agenda_item_move, name="agenda_item_move"),
    path("<id:meeting_pk>/agenda/<id:agenda_item_pk>/delete/", views.agenda_item_delete, name="agenda_item_delete"),
    path("<id:meeting_pk>/registrations/", views.registrations, name="registrations"),
    path("<id:meeting_pk>/registrations.csv", views.registrations_csv, name="registrations_csv"),
    path("<id:meeting_pk>/registrations.xlsx", views.registrations_xlsx, name="registrations_xlsx"),
    path(
        "<id:meeting_pk>/registrations/<id:registration_pk>/approve/",
        views.registration_approve,
        name="registration_approve",
    ),
    path(
        "<id:meeting_pk>/registrations/<id:registration_pk>/decline/",
        views.registration_decline,
        name="registration_decline",
    ),
    path("<id:meeting_pk>/attendance/", views.attendance, name="attendance"),
    path("<id:meeting_pk>/close/", views.meeting_close, name="close"),
    path("<id:meeting_pk>/certificates/", views.certificates_manage, name="certificates"),
    path("<id:meeting_pk>/certificate.pdf", views.certificate_download, name="certificate"),
    path("<id:meeting_pk>/co-organisers/", views.coorganisers, name="coorganisers"),
    path("<id:meeting_pk>/co-organisers/add/", views.coorganiser_add, name="coorganiser_add"),
    path("<id:meeting_pk>/co-organisers/remove/", views.coorganiser_remove, name="coorganiser_remove"),
]
