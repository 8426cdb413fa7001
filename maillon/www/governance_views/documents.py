"""The founding documents (statuts, charte de gouvernance, projet de santé…) with their
versions: members read them, the coordinator adds documents and versions."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render

from maillon.governance.models import DocumentVersion, FoundingDocument

from ..space import allow, posted_action
from . import page
from .common import add_errors, governance_breadcrumb, is_coordinator, posted_id, require_governance
from .forms import DocumentForm, VersionForm


@page("gouvernance/documents/")
@allow("GET", "POST", check=require_governance)
def governance_documents(request, cpts_slug):
    cpts = request.cpts
    coordinator = is_coordinator(request)
    action = posted_action(request, coordinator, {"document", "version"})
    back = redirect("governance_documents", cpts_slug=cpts.slug)
    document_form = DocumentForm(request.POST if action == "document" else None, prefix="doc") if coordinator else None
    posted_version_form = None
    if action == "document" and document_form.is_valid():
        FoundingDocument.objects.create(cpts=cpts, **document_form.cleaned_data)
        messages.success(request, "Document créé : déposez sa première version.")
        return back
    if action == "version":
        document = get_object_or_404(
            FoundingDocument.objects.for_cpts(cpts), pk=posted_id(request.POST.get("document"))
        )
        version_form = posted_version_form = VersionForm(request.POST, request.FILES, prefix=f"v{document.pk}")
        if version_form.is_valid():
            data = version_form.cleaned_data
            try:
                version = document.add_version(
                    file=data["file"], adopted_on=data["adopted_on"], note=data["note"], by=request.user
                )
            except ValidationError as error:
                add_errors(version_form, error)
            else:
                messages.success(request, f"« {document.title} » : version {version.number} déposée.")
                return back
    versions = DocumentVersion.objects.order_by("-number")
    documents = list(FoundingDocument.objects.for_cpts(cpts).prefetch_related(Prefetch("versions", queryset=versions)))
    if coordinator:
        for document in documents:
            posted = posted_version_form is not None and posted_version_form.prefix == f"v{document.pk}"
            document.version_form = posted_version_form if posted else VersionForm(prefix=f"v{document.pk}")
    context = {
        "cpts": cpts,
        "documents": documents,
        "coordinator": coordinator,
        "document_form": document_form,
        "version_form": posted_version_form,
        "title": f"Documents fondateurs — {cpts.name}",
        "breadcrumb_data": governance_breadcrumb(cpts, "Documents fondateurs"),
    }
    return render(request, "governance/documents.html", context)
