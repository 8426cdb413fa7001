"""The commune search of the adhesion forms, answered to htmx by the page that holds the form."""

from django.shortcuts import render

from ...public_views.common import is_htmx, vary_on_htmx
from .fields import CommunePickForm

QUERY_FIELD = "commune_query"


def commune_suggestions(request, *, search_url):
    """The communes matching what is typed in a form's commune field, or None if this request is not that search.

    The field may carry a form prefix (a formset's « form-0-commune_query »): the
    answer uses the same prefix, so the radio buttons post with the form.
    """
    if request.method != "GET" or not is_htmx(request):
        return None
    key = next((key for key in request.GET if key == QUERY_FIELD or key.endswith("-" + QUERY_FIELD)), None)
    if key is None:
        return None
    prefix = key[: -len("-" + QUERY_FIELD)] if key != QUERY_FIELD else None
    form = CommunePickForm(request.GET, prefix=prefix, search_url=search_url)
    return vary_on_htmx(render(request, "members/adhesion/_commune_choices.html", {"pick": form}))
