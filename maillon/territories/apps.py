from django.apps import AppConfig


class TerritoriesConfig(AppConfig):
    name = "maillon.territories"
    label = "territories"
    verbose_name = "Territoires (communes, territoires des CPTS)"
