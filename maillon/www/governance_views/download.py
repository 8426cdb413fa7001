"""A version of a founding document, for the members of the CPTS only: served
through this view (never a public MEDIA URL) and journaled as an export."""

from django.shortcuts import get_object_or_404

from maillon.core import journal
from maillon.governance.models import DOCUMENT_CONTENT_TYPES, DocumentVersion

from ..space import allow
from ..spreadsheets import stored_file
from . import page
from .common import ensure_visible, policies, require_governance


@page("gouvernance/documents/versions/<int:pk>/")
@allow("GET", check=require_governance)
def governance_document_download(request, cpts_slug, pk):
    version = get_object_or_404(
        DocumentVersion.objects.select_related("document").filter(document__cpts=request.cpts), pk=pk
    )
    ensure_visible(policies.can_download_version(request.user, version))
    content_type = DOCUMENT_CONTENT_TYPES.get(version.extension, "application/octet-stream")
    response = stored_file(version.file, version.download_name, content_type)
    journal.record(journal.Action.EXPORT, version, cpts_id=request.cpts.pk, fields=["file"])
    return response
