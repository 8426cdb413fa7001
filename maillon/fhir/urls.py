from django.urls import path

from . import views

urlpatterns = [
    path("Slot", views.slot_search, name="fhir_slot"),
]
