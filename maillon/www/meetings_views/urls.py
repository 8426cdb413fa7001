from django.urls import path

from . import bank, edit, meeting, meetings, payments, statement, time

# Included under "cpts/<slug:cpts_slug>/" by maillon/www/urls.py.
urlpatterns = [
    path("reunions/", meetings.meetings_list, name="meetings_list"),
    path("reunions/<int:pk>/", meeting.meetings_meeting, name="meetings_meeting"),
    path("reunions/<int:pk>/modifier/", edit.meetings_meeting_edit, name="meetings_meeting_edit"),
    path("reunions/<int:pk>/supprimer/", edit.meetings_meeting_delete, name="meetings_meeting_delete"),
    path("temps/", time.meetings_time, name="meetings_time"),
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
