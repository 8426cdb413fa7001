from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "maillon.contracts"
    label = "contracts"
    verbose_name = "Contrat ACI, financement et indicateurs"
