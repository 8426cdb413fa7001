"""Import members from a CSV or XLSX file (coordinators): upload, preview, confirm.

One route: GET shows the form (or, with `?modele=csv`, the template file); POST
previews the uploaded file, or confirms (`action=confirm`) or cancels the pending
one. All or nothing: see maillon/members/imports.py.
"""

from django.contrib import messages
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render

from maillon.members import imports

from ...space import space_breadcrumb
from ..adhesion.common import require_coordinator
from . import pending
from .forms import MAX_UPLOAD_BYTES, ImportUploadForm

# Rows shown in the preview table; the summary counts them all.
PREVIEW_LIMIT = 1000
TEMPLATE_FILENAME = "modele-import-membres.csv"


def members_import(request, cpts_slug):
    require_coordinator(request)
    if request.method == "GET":
        if request.GET.get("modele") == "csv":
            return template_download()
        return render_upload(request, ImportUploadForm())
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "POST"])
    action = request.POST.get("action", "preview")
    if action == "confirm":
        return confirm(request)
    if action == "cancel":
        pending.forget(request)
        messages.info(request, "Import annulé : rien n'a été enregistré.")
        return redirect("members_import", cpts_slug=request.cpts.slug)
    return preview(request)


def template_download():
    # The BOM makes spreadsheets open the accents right.
    response = HttpResponse("\ufeff" + imports.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{TEMPLATE_FILENAME}"'
    return response


def page_context(request, **extra):
    cpts = request.cpts
    return {
        "cpts": cpts,
        "title": f"Importer des membres — {cpts.name}",
        "columns": imports.COLUMNS,
        "required": imports.REQUIRED_KEYS,
        "max_megabytes": MAX_UPLOAD_BYTES // (1024 * 1024),
        "max_rows": imports.MAX_ROWS,
        "breadcrumb_data": space_breadcrumb(
            cpts,
            "Importer des membres",
        ),
        **extra,
    }


def render_upload(request, form):
    return render(request, "members/imports/upload.html", page_context(request, form=form))


def render_preview(request, result, *, filename, token=None):
    rows = sorted(result.rows, key=lambda row: (not row.errors, row.line))
    context = page_context(
        request,
        preview=result,
        summary=result.summary,
        rows=rows[:PREVIEW_LIMIT],
        hidden_rows=max(len(rows) - PREVIEW_LIMIT, 0),
        filename=filename,
        token=token,
        form=ImportUploadForm(),
    )
    return render(request, "members/imports/preview.html", context)


def preview(request):
    form = ImportUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return render_upload(request, form)
    upload = form.cleaned_data["file"]
    content = upload.read()
    result = imports.analyse(request.cpts, content, upload.name)
    pending.forget(request)
    # Only a file that can be imported waits for confirmation.
    token = pending.keep(request, request.cpts, content=content, filename=upload.name) if result.is_valid else None
    return render_preview(request, result, filename=upload.name, token=token)


def confirm(request):
    cpts = request.cpts
    kept = pending.take(request, cpts, request.POST.get("token", ""))
    if kept is None:
        messages.error(request, "Cet aperçu a expiré ou a déjà été importé : déposez le fichier à nouveau.")
        return redirect("members_import", cpts_slug=cpts.slug)
    content, filename = kept
    try:
        result = imports.commit(cpts, content, filename, by=request.user)
    except imports.ImportRejected as error:
        # The platform changed since the preview (e.g. another import): show why, write nothing.
        pending.forget(request)
        return render_preview(request, error.preview, filename=filename)
    pending.forget(request)
    messages.success(request, result.message)
    return redirect("members_import", cpts_slug=cpts.slug)
