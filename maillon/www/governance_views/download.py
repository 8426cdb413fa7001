"""A version of a founding document, for the members of the CPTS only: served
through this view (never a public MEDIA URL) and journaled as an export."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.http import content_disposition_header

from maillon.core import journal
from maillon.governance.models import DOCUMENT_CONTENT_TYPES, DocumentVersion

from ..space import allow
from .common import ensure_visible, policies, require_governance


@allow("GET", check=require_governance)
def governance_document_download(request, cpts_slug, pk):
    version = get_object_or_404(
        DocumentVersion.objects.select_related("document").filter(document__cpts=request.cpts), pk=pk
    )
    ensure_visible(policies.can_download_version(request.user, version))
    # Read whole (10 Mo at most, checked on upload): no file handle left open by the response.
    try:
        with version.file.open("rb") as handle:
            content = handle.read()
    except FileNotFoundError as error:
        raise Http404 from error
    journal.record(journal.Action.EXPORT, version, cpts_id=request.cpts.pk, fields=["file"])
    response = HttpResponse(
        content, content_type=DOCUMENT_CONTENT_TYPES.get(version.extension, "application/octet-stream")
    )
    response["Content-Disposition"] = content_disposition_header(True, version.download_name)
    response["X-Content-Type-Options"] = "nosniff"
    return response
