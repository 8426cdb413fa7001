"""One upload → preview → confirm page for every import.

An import declares an `ImportPage` (its kit columns, its analyse and commit, its texts,
templates and who may use it); its route is the page's `view`. One route per import: GET
shows the form (or, with `?modele=csv`, the template file); POST previews the uploaded
file, maps a column left unrecognised (`action=map`), confirms (`action=confirm`) or
cancels the pending one. All or nothing: the kit (maillon/core/imports).

A route that takes more than the CPTS (an import into one object, a choice made before the
upload) builds its page for the request (`dataclasses.replace`) with `path`, the page's address
with its query string, `key`, which tells its pending files apart, and `done_url`.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse

from maillon.core.imports import Importer, ImportRejected, Limits

from ..spreadsheets import attachment
from . import pending
from .forms import ImportUploadForm

# Rows shown in the preview table; the summary counts them all.
PREVIEW_LIMIT = 1000


@dataclass(frozen=True)
class ImportPage:
    url_name: str  # also tells the pending files apart
    title: str  # "Importer des membres"
    file_label: str
    importer: Importer  # its columns, template, analyse and commit (the kit)
    breadcrumb: Callable  # (cpts, label) → breadcrumb data
    guard: Callable  # (request) → raises 404 unless the user may import in this CPTS
    # _intro.html (what the import does), _summary.html (its counts), _confirm.html (the confirm
    # button's text), _head.html, _cells.html and _outcome.html (its columns, cells and outcome in
    # the preview's table).
    template_dir: str
    extensions: tuple[str, ...] = (".csv", ".xlsx")
    done_url_name: str = ""  # where a confirmed import leads (by default, back to its page)
    nav_template: str = ""
    refusal: Callable | None = None  # (cpts) → why nothing may be imported now, or ""
    extra_context: dict = field(default_factory=dict)
    # A page built for one request (a route with more than the CPTS): its address, query string
    # included; the name of its pending file; where a confirmed import leads.
    path: str = ""
    key: str = ""
    done_url: str = ""
    offers_template: bool = True  # « Télécharger le modèle (CSV) »

    def view(self, request, cpts_slug):
        self.guard(request)
        return import_view(request, self)

    def url(self, cpts) -> str:
        return self.path or reverse(self.url_name, args=[cpts.slug])

    def template_url(self, cpts) -> str:
        url = self.url(cpts)
        return f"{url}{'&' if '?' in url else '?'}modele=csv"

    @property
    def kind(self) -> str:
        return self.key or self.url_name

    def done(self, cpts) -> str:
        if self.done_url:
            return self.done_url
        return reverse(self.done_url_name, args=[cpts.slug]) if self.done_url_name else self.url(cpts)


def import_view(request, page: ImportPage):
    if request.method == "GET":
        if request.GET.get("modele") == "csv":
            return template_download(page)
        return render_upload(request, page, upload_form(page))
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "POST"])
    limits = Limits.from_settings()
    try:
        if limits.body_too_large(request.META):
            raise RequestDataTooBig
        request.POST  # noqa: B018 — parses the body now, within Django's limits
    except RequestDataTooBig:
        form = upload_form(page)
        form.errors["file"] = form.error_class([f"Fichier : {limits.too_large(int(request.META['CONTENT_LENGTH']))}"])
        return render_upload(request, page, form, status=413)
    refusal = page.refusal(request.cpts) if page.refusal else ""
    if refusal:
        messages.error(request, refusal)
        return redirect(page.url(request.cpts))
    action = request.POST.get("action", "preview")
    if action == "confirm":
        return confirm(request, page)
    if action == "map":
        return remap(request, page)
    if action == "cancel":
        pending.forget(request)
        messages.info(request, "Import annulé : rien n'a été enregistré.")
        return redirect(page.url(request.cpts))
    return preview(request, page)


def upload_form(page, *args):
    return ImportUploadForm(*args, page=page, limits=Limits.from_settings())


def template_download(page):
    # The BOM makes spreadsheets open the accents right.
    content = ("\ufeff" + page.importer.template_csv()).encode()
    return attachment(content, page.importer.template_filename, "text/csv; charset=utf-8")


def page_context(request, page, **extra):
    cpts = request.cpts
    limits = Limits.from_settings()
    return {
        "cpts": cpts,
        "page": page,
        "title": f"{page.title} — {cpts.name}",
        "columns": page.importer.columns,
        "required": page.importer.required,
        "max_megabytes": limits.megabytes,
        "max_rows": limits.max_rows,
        "breadcrumb_data": page.breadcrumb(cpts, page.title),
        "page_url": page.url(cpts),
        "template_url": page.template_url(cpts) if page.offers_template else "",
        **page.extra_context,
        **extra,
    }


def render_upload(request, page, form, *, status=200):
    return render(request, "www/import_upload.html", page_context(request, page, form=form), status=status)


def render_preview(request, page, result, *, filename, token=None, mapping_token=None, mapping=None):
    if result.too_large:
        form = upload_form(page)
        form.errors["file"] = form.error_class([f"Fichier : {result.file_errors[0]}"])
        return render_upload(request, page, form, status=413)
    rows = sorted(result.rows, key=lambda row: (not row.errors, row.line))
    context = page_context(
        request,
        page,
        preview=result,
        summary=result.summary,
        rows=rows[:PREVIEW_LIMIT],
        hidden_rows=max(len(rows) - PREVIEW_LIMIT, 0),
        filename=filename,
        token=token,
        mapping_token=mapping_token,
        mapped=mapping or {},
        form=upload_form(page),
    )
    return render(request, "www/import_preview.html", context)


def analysed(request, page, content, filename, mapping):
    """Analyse, keep the file (to confirm it, or to map its columns), and show the preview."""
    result = page.importer.analyse(request.cpts, content, filename, mapping=mapping)
    pending.forget(request)
    token = mapping_token = None
    if result.is_valid or result.unrecognised or mapping:
        mapping_token = pending.keep(
            request,
            request.cpts,
            kind=page.kind,
            content=content,
            filename=filename,
            mapping=mapping,
            valid=result.is_valid,
        )
        # Only a file that can be imported may be confirmed.
        token = mapping_token if result.is_valid else None
    return render_preview(
        request, page, result, filename=filename, token=token, mapping_token=mapping_token, mapping=mapping
    )


def preview(request, page):
    form = upload_form(page, request.POST, request.FILES)
    if not form.is_valid():
        return render_upload(request, page, form)
    upload = form.cleaned_data["file"]
    limits = Limits.from_settings()
    if upload.size > limits.max_bytes:
        form.errors["file"] = form.error_class([f"Fichier : {limits.too_large(upload.size)}"])
        return render_upload(request, page, form, status=413)
    return analysed(request, page, upload.read(), upload.name, {})


def mapping_of(request, page) -> dict[int, str]:
    """{column index: key} from the page's `map_<index>` fields ("" ignores the column)."""
    mapping = {}
    for name, value in request.POST.items():
        if name.startswith("map_") and name[4:].isdigit() and (value in page.importer.columns.by_key or value == ""):
            mapping[int(name[4:])] = value
    return mapping


def expired(request, page):
    messages.error(request, "Cet aperçu a expiré ou a déjà été importé : déposez le fichier à nouveau.")
    return redirect(page.url(request.cpts))


def remap(request, page):
    kept = pending.take(request, request.cpts, request.POST.get("token", ""), kind=page.kind)
    if kept is None:
        return expired(request, page)
    mapping = {**kept["mapping"], **mapping_of(request, page)}
    return analysed(request, page, kept["content"], kept["filename"], mapping)


def confirm(request, page):
    cpts = request.cpts
    kept = pending.take(request, cpts, request.POST.get("token", ""), kind=page.kind)
    if kept is None or not kept["valid"]:
        return expired(request, page)
    pending.forget(request)
    try:
        result = page.importer.commit(cpts, kept["content"], kept["filename"], by=request.user, mapping=kept["mapping"])
    except ImportRejected as error:
        # The platform changed since the preview (e.g. another import): show why, write nothing.
        return render_preview(request, page, error.preview, filename=kept["filename"])
    messages.success(request, result.message)
    return redirect(page.done(cpts))
