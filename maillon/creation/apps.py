from django.apps import AppConfig


class CreationConfig(AppConfig):
    name = "maillon.creation"
    label = "creation"
    verbose_name = "Création d'une CPTS"
