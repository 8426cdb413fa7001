from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "maillon.demo"
    label = "demo"
    verbose_name = "Démonstration"
