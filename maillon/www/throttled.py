"""The answer to a public POST that `core.throttle` refuses: one French page, status 429.

A public view guards its POST in one line, before it reads the form or the link:
`if (refused := throttled.refused_post(request, SCOPE, link=True)) is not None: return refused`.
`link=True` for a POST whose credential is a signed link (a higher ceiling per address, see
`throttle.allow_link`). tests/www/test_public_forms_throttled.py fails on a public route that
takes a POST without going through the throttle.
"""

from django.shortcuts import render

from maillon.core import throttle

MESSAGE = "Trop de tentatives depuis cette adresse : réessayez dans une heure."


def refused_post(request, scope: str, *, link: bool = False):
    """The 429 page if this POST must wait, else None (a GET is never counted)."""
    if request.method != "POST":
        return None
    allowed = throttle.allow_link(request, scope) if link else throttle.allow(request, scope)
    if allowed:
        return None
    context = {"title": "Trop de tentatives", "message": MESSAGE}
    return render(request, "www/throttled.html", context, status=429)
