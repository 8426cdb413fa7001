from django.urls import path

from . import assemblies, assembly, documents, download, election, elections, mandates

# Included under "cpts/<slug:cpts_slug>/" by maillon/www/urls.py.
urlpatterns = [
    path("gouvernance/elections/", elections.governance_elections, name="governance_elections"),
    path("gouvernance/elections/<int:pk>/", election.governance_election, name="governance_election"),
    path("gouvernance/mandats/", mandates.governance_mandates, name="governance_mandates"),
    path("gouvernance/assemblees/", assemblies.governance_assemblies, name="governance_assemblies"),
    path("gouvernance/assemblees/<int:pk>/", assembly.governance_assembly, name="governance_assembly"),
    path("gouvernance/documents/", documents.governance_documents, name="governance_documents"),
    path(
        "gouvernance/documents/versions/<int:pk>/",
        download.governance_document_download,
        name="governance_document_download",
    ),
]
