from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from maillon.core.workflows import TransitionNotAllowed


def csrf_failure(request, reason=""):
    """Django's CSRF page is in English and technical: ours says what to do."""
    return render(request, "403_csrf.html", status=403)


class TransitionConflictMiddleware:
    """An illegal transition no view turned into a form error answers a French 409 page
    (never a 500): the object moved since the page was drawn, or the button was stale."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, TransitionNotAllowed) or request.path.startswith("/api/"):
            return None
        referer = request.headers.get("referer", "")
        back = referer if url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()}) else ""
        return render(request, "409.html", {"detail": exception.detail, "back": back}, status=409)


def bad_request(request, exception=None):
    """Django's 400, except for a body that grew too large once read (no or a false Content-Length,
    form fields over DATA_UPLOAD_MAX_MEMORY_SIZE, files over MAILLON_UPLOAD_MAX_BYTES while they
    streamed): 413, in the face's format (`core.middleware.too_large_response`)."""
    from django.conf import settings
    from django.core.exceptions import RequestDataTooBig
    from django.views import defaults

    from maillon.core.middleware import too_large_response
    from maillon.core.upload_handlers import UploadTooLarge

    if isinstance(exception, UploadTooLarge):
        return too_large_response(request, settings.MAILLON_UPLOAD_MAX_BYTES)
    if isinstance(exception, RequestDataTooBig):
        return too_large_response(request, settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    return defaults.bad_request(request, exception)
