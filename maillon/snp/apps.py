from django.apps import AppConfig


class SnpConfig(AppConfig):
    name = "maillon.snp"
    label = "snp"
    verbose_name = "Soins non programmés"
