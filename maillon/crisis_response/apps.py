from django.apps import AppConfig


class CrisisResponseConfig(AppConfig):
    name = "maillon.crisis_response"
    label = "crisis_response"
    verbose_name = "Réponse aux crises : alertes, activation, RETEX"
