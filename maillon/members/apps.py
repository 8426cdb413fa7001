from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "maillon.members"
    label = "members"
    verbose_name = "Membres (adhésions, annuaire, collèges)"
