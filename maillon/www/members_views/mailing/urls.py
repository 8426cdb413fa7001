from django.urls import path

from . import detail, mailing_list, new, unsubscribe

# Included under "cpts/<slug:cpts_slug>/" by maillon/www/members_views/urls.py.
urlpatterns = [
    path("messages/", mailing_list.members_mailings, name="members_mailings"),
    path("messages/nouveau/", new.members_mailing_new, name="members_mailing_new"),
    path("messages/<int:pk>/", detail.members_mailing, name="members_mailing"),
    path("desinscription/<str:token>/", unsubscribe.members_unsubscribe, name="members_unsubscribe"),
]
