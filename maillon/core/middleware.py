from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect

from . import journal, policies
from .access import is_strongly_authenticated, resolve_cpts
from .routes import is_public_route


class RejectNulBytesMiddleware:
    """A NUL byte in a URL is never legitimate, and PostgreSQL refuses it in text:
    answer a clear 400 instead of an error deep in a query."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        raw = request.path + request.META.get("QUERY_STRING", "")
        if "\x00" in raw or "%00" in raw or any("\x00" in value for value in request.GET.values()):
            return HttpResponseBadRequest(
                "Requête invalide : l'adresse contient un caractère nul.", content_type="text/plain; charset=utf-8"
            )
        return self.get_response(request)


class ActorMiddleware:
    """Make the logged-in user the actor of the journal for this request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user if request.user.is_authenticated else None
        token = journal.set_actor(user)
        try:
            return self.get_response(request)
        finally:
            journal.reset_actor(token)


class LoginRequiredMiddleware:
    """Every route needs a strongly authenticated user unless it is on the public list.

    The API checks its own Bearer tokens (maillon/api/auth.py); a route that is
    on neither list fails the test suite.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or is_public_route(match) or match.namespace.startswith("api-"):
            return None
        if is_strongly_authenticated(request):
            return None
        # A password alone is not enough to reach anything: finish the second factor.
        second_factor = request.user.is_authenticated
        return _whole_page(
            request, redirect("login_second_factor") if second_factor else redirect_to_login(request.path)
        )


def _whole_page(request, redirect_response):
    """An htmx request (a thread asking for new messages after the session expired) would put
    the login page inside the page: htmx is told to load it as a whole page instead."""
    if request.headers.get("HX-Request") != "true":
        return redirect_response
    response = HttpResponse(status=200)
    response["HX-Redirect"] = redirect_response["Location"]
    return response


class CurrentCptsMiddleware:
    """Resolve the CPTS named by the URL and the user's role in it.

    Pages use `/cpts/<slug>/…`, the API `/api/v1/cpts/{id}/…`. A CPTS that does
    not exist answers 404; so does one the user has no role in (see access.py).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.cpts = None
        request.cpts_role = None
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if "cpts_slug" in view_kwargs:
            request.cpts = resolve_cpts(slug=view_kwargs["cpts_slug"])
        else:
            return None
        # Read once here; every policy asked during the request reuses it.
        request.cpts_role = policies.cpts_role(request.user, request.cpts)
        return None
