from django.urls import path

from . import response_board, response_chain, response_crises, response_retex

# Included under "cpts/<slug:cpts_slug>/" by maillon/www/urls.py: crises, alerts, RETEX.
urlpatterns = [
    path("crise/", response_crises.crisis_response_list, name="crisis_response_list"),
    path("crise/declencher/", response_crises.crisis_response_activate, name="crisis_response_activate"),
    path("crise/chaine/", response_chain.crisis_response_chain, name="crisis_response_chain"),
    path("crise/<int:pk>/", response_board.crisis_response_board, name="crisis_response_board"),
    path("crise/<int:pk>/direct/", response_board.crisis_response_board_live, name="crisis_response_board_live"),
    path("crise/<int:pk>/retex/", response_retex.crisis_response_retex, name="crisis_response_retex"),
]
