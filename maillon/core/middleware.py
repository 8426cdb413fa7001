import time
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.utils.cache import add_never_cache_headers, patch_cache_control, patch_vary_headers

from . import journal, policies, sessions
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


# --- HTTP defences (issue 19) --------------------------------------------------------------


class PermissionsPolicyMiddleware:
    """Tell the browser which of its features no page uses (MAILLON_PERMISSIONS_POLICY)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.MAILLON_PERMISSIONS_POLICY:
            response.headers.setdefault("Permissions-Policy", settings.MAILLON_PERMISSIONS_POLICY)
        return response


class NoStoreMiddleware:
    """No cache, no copy on disk: every dynamic answer carries `Cache-Control: no-store`.

    Pages and API answers hold personal data as soon as someone is logged in (a session or a
    token), and so do the anonymous private links (a patient's follow-up, a booking, a
    registration, a promoters' letter, a crisis acknowledgement); every page also carries a
    fresh CSP nonce. Only the public reference data below, asked anonymously, may be kept by
    a browser or a proxy (static files never reach here: WhiteNoise answers them first).
    """

    CACHEABLE_ROUTES = frozenset({"api-1:search_communes", "api-1:get_commune", "static"})
    CACHEABLE_SECONDS = 3600

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if self.cacheable(request, response):
            if "Cache-Control" not in response:
                patch_cache_control(response, public=True, max_age=self.CACHEABLE_SECONDS)
            # A shared cache must never hand the anonymous copy to a logged-in request, or back.
            patch_vary_headers(response, ("Cookie", "Authorization"))
        else:
            add_never_cache_headers(response)
        return response

    def cacheable(self, request, response) -> bool:
        match = getattr(request, "resolver_match", None)
        user = getattr(request, "user", None)
        return (
            match is not None
            and match.view_name in self.CACHEABLE_ROUTES
            and request.method in ("GET", "HEAD")
            and response.status_code == 200
            and "Authorization" not in request.headers
            and not (user is not None and user.is_authenticated)
            and not response.cookies
        )


# Polling requests (htmx `every Ns` of open topics and crisis boards) send this header: they
# keep the page current but are not the person's activity.
POLL_HEADER = "X-Maillon-Poll"
SESSION_STARTED_KEY, SESSION_ACTIVITY_KEY = sessions.STARTED_KEY, sessions.ACTIVITY_KEY
# The last activity is written to the session at most this often (one session save a minute).
ACTIVITY_RESOLUTION_SECONDS = 60


class SessionExpiryMiddleware:
    """An authenticated session ends after MAILLON_SESSION_IDLE_MINUTES without activity and
    MAILLON_SESSION_MAX_HOURS after it began: the person is logged out (journaled), told why on
    the login page, and comes back to where they were once logged in again.

    Every authenticated session, whatever the roles: most reach health data, and one person's
    roles differ per CPTS. API tokens are not sessions (they expire by themselves).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            reason = self.check(request, now=int(time.time()))
            if reason is not None:
                return self.end(request, *reason)
        return self.get_response(request)

    def check(self, request, *, now):
        """None while the session lives (its activity noted), else (journal note, message)."""
        session = request.session
        started, last = session.get(SESSION_STARTED_KEY), session.get(SESSION_ACTIVITY_KEY)
        if not isinstance(started, int) or not isinstance(last, int):
            # A session opened before this rule (the login starts the clocks: core.sessions).
            sessions.start_clocks(session, now)
            return None
        idle_minutes, max_hours = settings.MAILLON_SESSION_IDLE_MINUTES, settings.MAILLON_SESSION_MAX_HOURS
        if now - last > idle_minutes * 60:
            return (
                f"session expirée : {idle_minutes} minutes d'inactivité",
                f"Votre session a expiré après {idle_minutes} minutes d'inactivité : reconnectez-vous pour continuer.",
            )
        if now - started > max_hours * 3600:
            return (
                f"session expirée : {max_hours} heures depuis la connexion",
                f"Votre session a expiré : elle dure au plus {max_hours} heures. Reconnectez-vous pour continuer.",
            )
        if now - last >= ACTIVITY_RESOLUTION_SECONDS and POLL_HEADER not in request.headers:
            session[SESSION_ACTIVITY_KEY] = now
        return None

    def end(self, request, note, message):
        journal.record(journal.Action.LOGOUT, request.user, actor=request.user, note=note)
        auth.logout(request)
        if request.path.startswith(("/api/", "/fhir/")):
            # The API answers the now anonymous request itself (401), in its own format.
            return self.get_response(request)
        messages.warning(request, message)
        back = self.return_path(request)
        return _whole_page(request, redirect_to_login(back) if back else redirect(settings.LOGIN_URL))

    @staticmethod
    def return_path(request) -> str | None:
        """Where to come back after the login: this page, the page an htmx request came from, or
        the page a form was posted from; a path of this site only (never another host)."""
        if request.headers.get("HX-Request") == "true":
            return _same_site_path(request, request.headers.get("HX-Current-URL", ""))
        if request.method in ("GET", "HEAD"):
            return request.path
        return _same_site_path(request, request.headers.get("Referer", ""))


def _same_site_path(request, url: str) -> str | None:
    parts = urlsplit(url)
    if parts.netloc != request.get_host() or not parts.path.startswith("/"):
        return None
    return parts.path


# --- Request size (issue 19, uploads) --------------------------------------------------------


def too_large_response(request, limit: int):
    """413 in the face's own format: JSON `detail` under /api/, an OperationOutcome under /fhir/,
    a French page elsewhere (standalone, like the 500 page: the request may not have a user yet)."""
    from django.http import JsonResponse
    from django.shortcuts import render

    from .upload_handlers import megabytes

    size = megabytes(limit)
    detail = f"Requête trop volumineuse : {size} Mo au plus."
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": detail}, status=413)
    if request.path.startswith("/fhir/"):
        from maillon.fhir.responses import outcome

        return outcome(detail, code="too-long", status=413)
    return render(request, "413.html", {"megabytes": size}, status=413)


def request_size_limit(request) -> int:
    """The largest body a request may send: files and fields of a multipart form
    (MAILLON_UPLOAD_MAX_BYTES for its files, the files being counted again while they stream by
    `upload_handlers.UploadLimitHandler`), DATA_UPLOAD_MAX_MEMORY_SIZE for any other body."""
    fields = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if request.content_type == "multipart/form-data":
        return settings.MAILLON_UPLOAD_MAX_BYTES + fields
    return fields


class RequestSizeLimitMiddleware:
    """413 at once, before anything reads the body, when the declared `Content-Length` is above
    what the request may send (`request_size_limit`). A body that grows past it anyway (no or a
    false Content-Length, form fields over DATA_UPLOAD_MAX_MEMORY_SIZE) raises Django's
    `RequestDataTooBig` when read: 413 too (`maillon.www.errors.bad_request`, and the API's own
    handler)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads no body then
        limit = request_size_limit(request)
        if length > limit:
            return too_large_response(request, limit)
        return self.get_response(request)
