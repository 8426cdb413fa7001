"""The site's routes, plus a stand-in for each page the e-mails link to that its owner has not
declared yet (threads, groups): the e-mails' tests run before those pages exist. Once they do,
this module adds nothing."""

from django.http import HttpResponse
from django.urls import NoReverseMatch, path, reverse

from maillon.urls import handler404  # noqa: F401 — the site's own 404
from maillon.urls import urlpatterns as site_urlpatterns

LINKED_PAGES = {
    "discussions_index": ("discussions/", []),
    "discussions_space": ("discussions/<int:space_id>/", [1]),
    "discussions_topic": ("discussions/sujets/<int:topic_id>/", [1]),
    "discussions_signups": ("discussions/<int:space_id>/inscriptions/", [1]),
    "discussions_unsubscribe": ("discussions/desabonnement/<str:token>/", ["x"]),
}


def _declared(name, args) -> bool:
    try:
        reverse(name, args=args, urlconf="maillon.urls")
    except NoReverseMatch:
        return False
    return True


def _stand_in(request, **kwargs):
    return HttpResponse("")


urlpatterns = [
    *site_urlpatterns,
    *(path(route, _stand_in, name=name) for name, (route, args) in LINKED_PAGES.items() if not _declared(name, args)),
]
