from django.urls import path

from . import assemblies, assembly, documents, download, election, elections, mandates

# Included under "cpts/<slug:cpts_slug>/" by maillon/www/urls.py.
urlpatterns = [
    path("gouvernance/elections/", elections.governance_elections, name="governance_elections"),
    path("gouvernance/elections/<int:pk>/", election.governance_election, name="governance_election"),
    path("gouvernance/elections/<int:pk>/voter/", election.governance_election_vote, name="governance_election_vote"),
    path(
        "gouvernance/elections/<int:pk>/candidats/",
        election.governance_election_candidate,
        name="governance_election_candidate",
    ),
    path("gouvernance/elections/<int:pk>/ouvrir/", election.governance_election_open, name="governance_election_open"),
    path("gouvernance/elections/<int:pk>/clore/", election.governance_election_close, name="governance_election_close"),
    path(
        "gouvernance/elections/<int:pk>/mandats/",
        election.governance_election_mandate,
        name="governance_election_mandate",
    ),
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
