from django.apps import AppConfig


class WwwConfig(AppConfig):
    name = "maillon.www"
    label = "www"
    verbose_name = "Pages du site"
