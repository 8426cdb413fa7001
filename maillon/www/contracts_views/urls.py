from django.urls import path

from . import contract, documents, funding, indicators, report

# Included under "cpts/<slug:cpts_slug>/" by maillon/www/urls.py.
urlpatterns: list = [
    path("aci/", contract.contracts_overview, name="contracts_overview"),
    path("aci/financement/", funding.contracts_funding, name="contracts_funding"),
    path("aci/indicateurs/", indicators.contracts_indicators, name="contracts_indicators"),
    path(
        "aci/indicateurs/valeurs/<int:pk>/justificatif/",
        documents.contracts_indicator_document,
        name="contracts_indicator_document",
    ),
    path("aci/dialogue/<int:year>/", report.contracts_report, name="contracts_report"),
    path(
        "aci/dialogue/versions/<int:pk>/<str:fmt>/",
        report.contracts_report_download,
        name="contracts_report_download",
    ),
]
