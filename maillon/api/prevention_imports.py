"""A measure's yearly values imported from a source's open-data file — the same import as the
page (maillon/prevention/imports.py), the same errors as the members import (`api_errors`)."""

import dataclasses
from typing import Annotated

from ninja import Query, Schema, Status
from ninja.errors import HttpError

from maillon.core.imports import ImportRejected, api_errors
from maillon.prevention import imports, policies

from .common import CptsRouter, cpts_or_404, first_or_404, multipart_body
from .errors import import_refused
from .members import ImportErrorOut, uploaded_file
from .schemas import MessageOut, ValidationErrorOut

router = CptsRouter(tags=["Prévention"])

MEASURE_NOT_FOUND = "Mesure introuvable."
COORDINATORS_ONLY = "Prévention : seuls les coordinateurs de cette CPTS importent les valeurs des mesures."
SOURCE_CHOICES = ", ".join(f"« {source} » ({name})" for source, name in imports.SOURCE_NAMES.items())
IMPORT_BODY = multipart_body(
    {
        "file": {"type": "string", "format": "binary", "description": "CSV ou XLSX, tel que la source le donne"},
        "source": {"type": "string", "enum": list(imports.SOURCES), "description": "D'où vient le fichier"},
    },
    ["file", "source"],
)


class MeasureImportCheckOut(Schema):
    rows_read: int
    rows_valid: int
    values: int  # the lines that give the measure a value
    skipped: int  # another indicator, another territory, a sub-group
    hidden: int  # values the source hides (fewer than 6)
    errors: list[ImportErrorOut]


class MeasureImportDoneOut(Schema):
    created: int
    replaced: int
    skipped: int
    hidden: int


def file_error(field, message):
    return [{"line": None, "field": field, "message": message}]


@router.post(
    "/cpts/{int:cpts_id}/prevention/measures/{int:measure_id}/import",
    response={200: MeasureImportCheckOut, 201: MeasureImportDoneOut, 413: MessageOut, 422: ValidationErrorOut},
    summary="Importer les valeurs d'une mesure (Rézone CPTS, Odissé, Data pathologies)",
    openapi_extra=IMPORT_BODY,
)
def import_measure_values(
    request,
    cpts_id: int,
    measure_id: int,
    dry_run: Annotated[bool, Query(description="Vérifier le fichier sans rien écrire")] = False,
):
    """Le fichier d'une source (champ `file`) et la source (champ `source` : `rezone`, `odisse` ou
    `ameli`), en entier ou pas du tout. Seules les lignes de la mesure sont importées (son
    indicateur ; le territoire de la CPTS pour Rézone, son département de comparaison sinon) ;
    les autres sont ignorées et comptées. Une valeur masquée par la source (« < 6 », « NS »…)
    est importée masquée.

    Avec `?dry_run=true` : 200 avec les lignes lues, valides, ignorées et les erreurs. Sinon : 201
    avec les nombres de l'import, ou 422 avec les erreurs (`line` : la ligne dans le fichier,
    titres = 1 ; `null` et `field` = `file` ou `source` pour une erreur du fichier) et rien
    d'écrit ; 413 au-delà de la taille permise.
    """
    cpts = cpts_or_404(request, cpts_id, policies.can_see_prevention)
    measure = first_or_404(
        policies.visible_measures(request.auth, cpts).select_related("action", "departement").filter(pk=measure_id),
        MEASURE_NOT_FOUND,
    )
    if not policies.can_manage_prevention(request.auth, cpts):
        raise HttpError(403, COORDINATORS_ONLY)
    content, filename = uploaded_file(request)
    source = request.POST.get("source", "")
    errors = []
    if source not in imports.SOURCES:
        errors += file_error("source", f"Source : choisissez {SOURCE_CHOICES}.")
    if content is None:
        errors += file_error("file", "Fichier : choisissez le fichier à importer.")
    if errors:
        if dry_run:
            return Status(
                200, {"rows_read": 0, "rows_valid": 0, "values": 0, "skipped": 0, "hidden": 0, "errors": errors}
            )
        return import_refused(errors)
    importer = imports.importer_for(measure, source)
    if dry_run:
        preview = importer.analyse(cpts, content, filename)
        summary = preview.summary
        return Status(
            200,
            {
                "rows_read": len(preview.rows),
                "rows_valid": len(preview.rows) - len(preview.error_rows),
                "values": summary["values"],
                "skipped": summary["skipped"],
                "hidden": summary["hidden"],
                "errors": api_errors(preview, importer.columns),
            },
        )
    try:
        result = importer.commit(cpts, content, filename, by=request.auth)
    except ImportRejected as error:
        return import_refused(api_errors(error.preview, importer.columns))
    return Status(201, dataclasses.asdict(result))
