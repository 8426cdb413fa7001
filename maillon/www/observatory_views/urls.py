from django.urls import path

from . import members

urlpatterns = [
    path("adherents/", members.observatory_members, name="observatory_members"),
]
