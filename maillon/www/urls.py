from django.urls import include, path

urlpatterns = [
    path("", include("maillon.www.public_views.urls")),
    path("compte/", include("maillon.www.accounts_views.urls")),
    path("accueil/", include("maillon.www.home_views.urls")),
    path("observatoire/", include("maillon.www.observatory_views.urls")),
    path("cpts/<slug:cpts_slug>/", include("maillon.www.cpts_views.urls")),
    path("cpts/<slug:cpts_slug>/", include("maillon.www.members_views.urls")),
    path("cpts/<slug:cpts_slug>/", include("maillon.www.governance_views.urls")),
    path("cpts/<slug:cpts_slug>/", include("maillon.www.meetings_views.urls")),
    path("cpts/<slug:cpts_slug>/", include("maillon.www.contracts_views.urls")),
    path("cpts/<slug:cpts_slug>/", include("maillon.www.mt_views.urls")),
    path("cpts/<slug:cpts_slug>/", include("maillon.www.pathways_views.urls")),
    path("medecin-traitant/", include("maillon.www.mt_views.public_urls")),
    path("cpts/<slug:cpts_slug>/", include("maillon.www.snp_views.slot_urls")),
    path("cpts/<slug:cpts_slug>/", include("maillon.www.snp_views.request_urls")),
    path("cpts/<slug:cpts_slug>/", include("maillon.www.crisis_views.urls")),
    path("cpts/<slug:cpts_slug>/", include("maillon.www.crisis_views.response_urls")),
    path("crise/", include("maillon.www.crisis_views.public_urls")),
    path("", include("maillon.www.inbound.urls")),
    path("fhir/", include("maillon.fhir.urls")),
]
