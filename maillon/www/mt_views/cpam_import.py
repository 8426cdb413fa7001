"""Import the CPAM's list of patients without a médecin traitant (coordinator): upload,
preview, confirm. One route: GET shows the form (or, with `?modele=csv`, the template
file); POST previews the uploaded file, or confirms (`action=confirm`) or cancels the
pending one. The file waits between preview and confirmation in the session, tied to a
random token (the members import's `pending` helpers). All or nothing: maillon/mt/imports.py.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render

from maillon.mt import imports

from ..members_views.imports import pending
from ..public_views.forms import MaillonForm
from .common import desk_breadcrumb, require_coordinator

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
PREVIEW_LIMIT = 1000
TEMPLATE_FILENAME = "modele-liste-cpam.csv"


class CpamListForm(MaillonForm):
    file = forms.FileField(
        label="Liste de la CPAM",
        help_text="Format CSV (séparateur « ; » ou « , », UTF-8), 5 Mo au plus.",
        allow_empty_file=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".csv", "class": "fr-upload"}),
        error_messages={
            "required": "Fichier : choisissez le fichier à importer.",
            "empty": "Fichier : le fichier est vide.",
            "invalid": "Fichier : le fichier n'a pas pu être lu ; déposez-le à nouveau.",
        },
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".csv"):
            raise ValidationError("Fichier : seuls les fichiers CSV (.csv) sont acceptés.")
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError("Fichier : 5 Mo au plus.")
        return upload


def mt_import(request, cpts_slug):
    require_coordinator(request)
    if request.method == "GET":
        if request.GET.get("modele") == "csv":
            response = HttpResponse("\ufeff" + imports.template_csv(), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="{TEMPLATE_FILENAME}"'
            return response
        return render_upload(request, CpamListForm())
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "POST"])
    if request.cpts.is_dissolved:
        messages.error(request, "Cette CPTS est dissoute : aucun patient ne peut être inscrit.")
        return redirect("mt_import", cpts_slug=request.cpts.slug)
    action = request.POST.get("action", "preview")
    if action == "confirm":
        return confirm(request)
    if action == "cancel":
        pending.forget(request)
        messages.info(request, "Import annulé : rien n'a été enregistré.")
        return redirect("mt_import", cpts_slug=request.cpts.slug)
    return preview(request)


def page_context(request, **extra):
    cpts = request.cpts
    return {
        "cpts": cpts,
        "coordinator": True,
        "title": f"Importer la liste de la CPAM — {cpts.name}",
        "columns": imports.COLUMNS,
        "breadcrumb_data": desk_breadcrumb(cpts, "Importer la liste de la CPAM"),
        **extra,
    }


def render_upload(request, form):
    return render(request, "mt/import.html", page_context(request, form=form))


def render_preview(request, result, *, token=None):
    rows = sorted(result.rows, key=lambda row: (not row.errors, row.line))
    context = page_context(
        request,
        preview=result,
        summary=result.summary,
        rows=rows[:PREVIEW_LIMIT],
        hidden_rows=max(len(rows) - PREVIEW_LIMIT, 0),
        token=token,
        form=CpamListForm(),
    )
    return render(request, "mt/import_preview.html", context)


def preview(request):
    form = CpamListForm(request.POST, request.FILES)
    if not form.is_valid():
        return render_upload(request, form)
    upload = form.cleaned_data["file"]
    content = upload.read()
    result = imports.analyse(request.cpts, content)
    pending.forget(request)
    token = pending.keep(request, request.cpts, content=content, filename=upload.name) if result.is_valid else None
    return render_preview(request, result, token=token)


def confirm(request):
    cpts = request.cpts
    kept = pending.take(request, cpts, request.POST.get("token", ""))
    if kept is None:
        messages.error(request, "Cet aperçu a expiré ou a déjà été importé : déposez le fichier à nouveau.")
        return redirect("mt_import", cpts_slug=cpts.slug)
    content, _ = kept
    try:
        result = imports.commit(cpts, content, by=request.user)
    except imports.ImportRejected as error:
        pending.forget(request)
        return render_preview(request, error.preview)
    pending.forget(request)
    messages.success(request, result.message)
    return redirect("mt_queue", cpts_slug=cpts.slug)
