from django.urls import path

from . import communes, cpts, home, legal, overview, simulator

urlpatterns = [
    path("", home.home, name="home"),
    path("communes/", communes.commune_search, name="commune_search"),
    path("cpts/", cpts.cpts_list, name="cpts_list"),
    path("regions/", overview.region_overview_page, name="region_overview"),
    path("departements/<str:code>/", overview.departement_overview_page, name="departement_overview"),
    path("mentions-legales/", legal.legal_notice, name="legal_notice"),
    path("donnees-personnelles/", legal.privacy, name="privacy"),
    path("accessibilite/", legal.accessibility, name="accessibility"),
    path("aci/simulateur/", simulator.aci_simulator, name="aci_simulator"),
]
