"""The dialogue de gestion of a CPTS's ACI: the live report of a contract year, its sent
(frozen) versions, and sending a new version.

Same rights as the pages (`maillon.contracts.policies`, shared with them): the CPTS's
coordinators read and send; the authorities and observers of its territory and the platform
admins read; anyone else gets 404, as for a CPTS that does not exist. A reader who tries to
send gets 403. The territory's authority — only it, not a platform admin — signs a sent
version off or sends it back (`…/decision`); the other readers get 403.

The report is the dict of `maillon.contracts.report.build_report` (amounts as strings
« 1234.56 », dates ISO); a version's `data` is that dict as it was sent, with its version.
"""

import datetime
from typing import Any

from ninja import Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from maillon.contracts import policies
from maillon.contracts.models import ManagementReport
from maillon.contracts.report import build_report, record_export, send_report, with_version
from maillon.contracts.selectors import current_contract
from maillon.contracts.services import decide_report

from .common import CptsRouter, cpts_or_404, first_or_404
from .errors import refusals_as_409
from .schemas import READ_ERRORS_NO_422, WRITE_ERRORS_NO_422, ConflictOut, MessageOut

router = CptsRouter(
    tags=["ACI — dialogue de gestion"], read_errors=READ_ERRORS_NO_422, write_errors=WRITE_ERRORS_NO_422
)

NO_CONTRACT = "Aucun ACI enregistré pour cette CPTS."
NO_YEAR = "Cette année ne fait pas partie du contrat."
REPORT_NOT_FOUND = "Rapport introuvable."
COORDINATOR_ONLY = "Seuls les coordinateurs de cette CPTS envoient le rapport du dialogue de gestion."
AUTHORITY_ONLY = "Seules l'ARS et la CPAM du territoire valident ou renvoient le rapport du dialogue de gestion."
COMMENTS_MAX = 5000


class ReportVersionOut(Schema):
    id: int
    contract_year: int
    version: int
    status: str = Field(description="sent (envoyé), signed_off (validé) ou returned (renvoyé avec des remarques).")
    status_label: str
    sent_at: datetime.datetime
    sent_by: str = Field(description="Nom de la personne qui a envoyé la version.")
    decided_at: datetime.datetime | None
    decided_by: str | None
    comments: str = Field(description="Remarques de l'ARS et de la CPAM.")


class ReportOut(ReportVersionOut):
    data: dict[str, Any] = Field(description="Le rapport tel qu'il a été envoyé (figé).")


def readable_cpts(request, cpts_id):
    """The CPTS whose ACI the user reads; 404 (as a missing CPTS) otherwise."""
    return cpts_or_404(request, cpts_id, policies.can_read_contract)


def access(request, cpts_id, *, write=False):
    """(cpts, contract); 404 without a role, 403 for a reader who writes, 404 without a contract."""
    cpts = readable_cpts(request, cpts_id)
    if write and not policies.can_send_report(request.auth, cpts):
        raise HttpError(403, COORDINATOR_ONLY)
    contract = current_contract(cpts)
    if contract is None:
        raise HttpError(404, NO_CONTRACT)
    return cpts, contract


def check_year(contract, year):
    if not 1 <= year <= contract.duration_years:
        raise HttpError(404, NO_YEAR)


def version_dict(report) -> dict:
    return {
        "id": report.pk,
        "contract_year": report.contract_year,
        "version": report.version,
        "status": report.status,
        "status_label": report.get_status_display(),
        "sent_at": report.sent_at,
        "sent_by": str(report.sent_by) if report.sent_by else "",
        "decided_at": report.decided_at,
        "decided_by": str(report.decided_by) if report.decided_by else None,
        "comments": report.comments,
    }


def reports_of(contract):
    return ManagementReport.objects.filter(contract=contract).select_related("sent_by", "decided_by")


def visible_report(request, cpts_id, report_id, *related):
    """A sent version of the report of a CPTS the user reads (404 as `readable_cpts`), if the user
    may see it; 404, as a missing one, otherwise."""
    cpts = readable_cpts(request, cpts_id)
    reports = ManagementReport.objects.filter(contract__cpts=cpts, pk=report_id).select_related(*related)
    return first_or_404(reports, REPORT_NOT_FOUND, request.auth, policies.can_see_report)


def sent_version(report) -> dict:
    return {**version_dict(report), "data": with_version(report.data, report)}


@router.get(
    "/cpts/{int:cpts_id}/aci/years/{int:year}/report",
    response=dict[str, Any],
    summary="Rapport du dialogue de gestion d'une année (à jour)",
)
def live_report(request, cpts_id: int, year: int):
    """Le rapport de l'année `year` du contrat en vigueur, calculé maintenant (rien n'est figé)."""
    _, contract = access(request, cpts_id)
    check_year(contract, year)
    return build_report(contract, year, by=request.auth)


@router.get(
    "/cpts/{int:cpts_id}/aci/years/{int:year}/report/versions",
    response=list[ReportVersionOut],
    summary="Versions envoyées du rapport d'une année",
)
def list_versions(request, cpts_id: int, year: int):
    """Les versions envoyées à l'ARS et à la CPAM, la plus récente d'abord, avec leur état."""
    _, contract = access(request, cpts_id)
    check_year(contract, year)
    return [version_dict(report) for report in reports_of(contract).filter(contract_year=year).order_by("-version")]


@router.get(
    "/cpts/{int:cpts_id}/aci/reports/{int:report_id}",
    response=ReportOut,
    summary="Une version envoyée du rapport (figée)",
)
def get_report(request, cpts_id: int, report_id: int):
    """Une version envoyée et son contenu figé : il ne change plus."""
    report = visible_report(request, cpts_id, report_id, "sent_by", "decided_by")
    # Read like the pages' download: the sent content left the platform.
    record_export(report, cpts_id=cpts_id, via="API")
    return sent_version(report)


class ReportDecisionIn(Schema):
    sign_off: bool = Field(description="true : valider la version ; false : la renvoyer avec des remarques.")
    comments: str = Field("", max_length=COMMENTS_MAX, description="Remarques (obligatoires pour un renvoi).")


@router.post(
    "/cpts/{int:cpts_id}/aci/reports/{int:report_id}/decision",
    # 409: a version decided already (ConflictOut, its state), or sent back without remarks (MessageOut).
    response={200: ReportVersionOut, 409: ConflictOut | MessageOut},
    summary="Valider ou renvoyer une version envoyée (ARS, CPAM)",
)
def decision(request, cpts_id: int, report_id: int, payload: ReportDecisionIn):
    """La décision de l'autorité du territoire sur une version envoyée : la valider, ou la
    renvoyer à la CPTS avec des remarques. Une seule décision par version (sinon 409) ;
    403 pour les autres lecteurs (coordinateurs, observateurs, administrateurs de la plateforme)."""
    report = visible_report(request, cpts_id, report_id, "contract")
    if not policies.can_decide_report(request.auth, report):
        raise HttpError(403, AUTHORITY_ONLY)
    with refusals_as_409():  # a refused transition: 409 with the report's state
        report = decide_report(report, by=request.auth, sign_off=payload.sign_off, comments=payload.comments.strip())
    report = ManagementReport.objects.select_related("sent_by", "decided_by").get(pk=report.pk)
    return version_dict(report)


@router.post(
    "/cpts/{int:cpts_id}/aci/years/{int:year}/report/send",
    response={201: ReportOut},
    summary="Envoyer le rapport de l'année à l'ARS et à la CPAM",
)
def send(request, cpts_id: int, year: int):
    """Fige le rapport à jour comme nouvelle version (coordinateurs).

    Possible s'il n'y a pas encore de version, ou si la dernière a été renvoyée avec des
    remarques ; sinon 409.
    """
    _, contract = access(request, cpts_id, write=True)
    check_year(contract, year)
    with refusals_as_409():
        report = send_report(contract, year, by=request.auth)
    return Status(201, sent_version(report))
