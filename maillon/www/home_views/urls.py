from django.urls import path

from . import views

urlpatterns = [
    path("", views.my_home, name="my_home"),
    path("autorite/", views.home_authority, name="home_authority"),
    path("observation/", views.home_observer, name="home_observer"),
    path("regulation-sas/", views.home_sas, name="home_sas"),
    path("administration/", views.home_admin, name="home_admin"),
    path("administration/nouvelle-cpts/", views.home_admin_cpts_new, name="home_admin_cpts_new"),
]
