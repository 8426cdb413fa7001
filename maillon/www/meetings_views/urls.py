from django.urls import path

from . import bank, edit, meeting, meetings, payments, statement, time

# Included under "cpts/<slug:cpts_slug>/" by maillon/www/urls.py.
urlpatterns = [
    path("reunions/", meetings.meetings_list, name="meetings_list"),
    path("reunions/<int:pk>/", meeting.meetings_meeting, name="meetings_meeting"),
    path("reunions/<int:pk>/disponibilites/", meeting.meetings_meeting_answer, name="meetings_meeting_answer"),
    path("reunions/<int:pk>/fixer-la-date/", meeting.meetings_meeting_choose, name="meetings_meeting_choose"),
    path("reunions/<int:pk>/annuler/", meeting.meetings_meeting_cancel, name="meetings_meeting_cancel"),
    path("reunions/<int:pk>/inviter/", meeting.meetings_meeting_invite, name="meetings_meeting_invite"),
    path("reunions/<int:pk>/chercher/", meeting.meetings_meeting_search, name="meetings_meeting_search"),
    path(
        "reunions/<int:pk>/inviter-par-nom/",
        meeting.meetings_meeting_invite_picked,
        name="meetings_meeting_invite_picked",
    ),
    path("reunions/<int:pk>/presences/", meeting.meetings_meeting_attendance, name="meetings_meeting_attendance"),
    path("reunions/<int:pk>/modifier/", edit.meetings_meeting_edit, name="meetings_meeting_edit"),
    path("reunions/<int:pk>/supprimer/", edit.meetings_meeting_delete, name="meetings_meeting_delete"),
    path("temps/", time.meetings_time, name="meetings_time"),
    path("temps/declarer/", time.meetings_time_declare, name="meetings_time_declare"),
    path("temps/taux/", time.meetings_time_rate, name="meetings_time_rate"),
    path("temps/<int:pk>/valider/", time.meetings_time_validate, name="meetings_time_validate"),
    path("temps/<int:pk>/refuser/", time.meetings_time_reject, name="meetings_time_reject"),
    path("temps/<int:pk>/retirer-la-validation/", time.meetings_time_unvalidate, name="meetings_time_unvalidate"),
    path("temps/<int:pk>/modifier/", time.meetings_time_edit, name="meetings_time_edit"),
    path("temps/coordonnees-bancaires/", bank.meetings_bank_details, name="meetings_bank_details"),
    path("indemnites/", payments.meetings_payments, name="meetings_payments"),
    path("indemnites/export/<str:fmt>/", payments.meetings_payments_export, name="meetings_payments_export"),
    path("indemnites/releves/<int:pk>/", statement.meetings_statement, name="meetings_statement"),
    path(
        "indemnites/releves/<int:pk>/export/<str:fmt>/",
        statement.meetings_statement_export,
        name="meetings_statement_export",
    ),
]
