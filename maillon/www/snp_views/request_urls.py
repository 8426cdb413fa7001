from django.urls import path

from . import requests

# Included under "cpts/<slug:cpts_slug>/" by maillon/www/urls.py: same-day care requests.
urlpatterns = [
    path("snp/demandes/", requests.snp_requests, name="snp_requests"),
    path("snp/demandes/nouvelle/", requests.snp_request_new, name="snp_request_new"),
    path("snp/demandes/garde/", requests.snp_request_duty, name="snp_request_duty"),
    path("snp/demandes/mes-rendez-vous/", requests.snp_request_appointments, name="snp_request_appointments"),
    path("snp/demandes/<int:pk>/", requests.snp_request_detail, name="snp_request_detail"),
    path("snp/demandes/<int:pk>/creneaux/", requests.snp_request_search, name="snp_request_search"),
    path("snp/demandes/<int:pk>/reserver/", requests.snp_request_book, name="snp_request_book"),
    path("snp/demandes/<int:pk>/garde/", requests.snp_request_send_to_duty, name="snp_request_send_to_duty"),
    path("snp/demandes/<int:pk>/annuler/", requests.snp_request_cancel, name="snp_request_cancel"),
    path(
        "snp/demandes/rendez-vous/<int:pk>/annuler/",
        requests.snp_request_booking_cancel,
        name="snp_request_booking_cancel",
    ),
    path("snp/demandes/rendez-vous/<int:pk>/issue/", requests.snp_request_outcome, name="snp_request_outcome"),
]
