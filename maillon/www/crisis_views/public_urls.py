from django.urls import path

from . import response_ack

# Included under "crise/" by maillon/www/urls.py: public pages, no login (a signed link).
urlpatterns = [
    path("accuse/<str:token>/", response_ack.crisis_response_ack, name="crisis_response_ack"),
]
