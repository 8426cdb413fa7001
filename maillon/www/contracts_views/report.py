"""The dialogue de gestion of a contract year: the live report, its sent versions, the
authority's decision, and each version's PDF and XLSX.

- Coordinator: sees the live report (built now, `contracts.report.build_report`) and sends
  it to the ARS and the CPAM (« Envoyer »), which freezes it as a new version — when there is
  no version yet or the last one was sent back.
- Authority (ARS, CPAM agent) of the CPTS's territory: signs a sent version off, or sends it
  back with comments.
- Observers of the territory and platform admins: read.
- Anyone else: 404, as for a CPTS that does not exist; a reader who takes a step not theirs: 403.
The rules: `maillon.contracts.policies`.

A version's files are rendered from its frozen data, never from the live figures.
Downloads are journaled.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from maillon.contracts import policies, services
from maillon.contracts.models import ManagementReport, ReportStatus
from maillon.contracts.report import build_report, can_send, record_export, send_report, with_version
from maillon.contracts.report_files import PDF_TYPE, pdf_blocks, report_pdf, report_xlsx
from maillon.contracts.selectors import current_contract
from maillon.core.policies import ensure_allowed, ensure_visible

from .. import pdf
from ..space import allow, posted_action, posted_id
from ..spreadsheets import XLSX_TYPE, attachment
from . import page
from .access import require_reader
from .contract import ROLE_LABELS, aci_breadcrumb, aci_link

FILE_FORMATS = {"pdf": PDF_TYPE, "xlsx": XLSX_TYPE}
DECISIONS = {"sign_off", "send_back"}
SEND_ONLY = "Seuls les coordinateurs de cette CPTS envoient le rapport du dialogue de gestion."
AUTHORITY_ONLY = "Seules l'ARS et la CPAM du territoire valident ou renvoient le rapport du dialogue de gestion."
COMMENTS_MAX = 5000


def contract_or_404(cpts):
    contract = current_contract(cpts)
    if contract is None:
        raise Http404
    return contract


def html_blocks(blocks) -> list[dict]:
    """The PDF's blocks as plain dicts for the page (the preview reads as the PDF does)."""
    items = []
    caption = ""
    for block in blocks:
        if isinstance(block, pdf.Heading):
            caption = block.text
            items.append({"kind": "heading", "text": block.text})
        elif isinstance(block, pdf.Paragraph):
            items.append({"kind": "paragraph", "text": block.text})
        elif isinstance(block, pdf.KeyValues):
            items.append({"kind": "pairs", "pairs": block.pairs})
        elif isinstance(block, pdf.Table):
            right = set(block.align_right)
            items.append(
                {
                    "kind": "table",
                    "caption": caption,
                    "header": [(text, index in right) for index, text in enumerate(block.header)],
                    "rows": [[(text, index in right) for index, text in enumerate(row)] for row in block.rows],
                }
            )
    return items


def version_rows(reports):
    return [
        {
            "report": report,
            "sent_by": str(report.sent_by) if report.sent_by else "—",
            "decided_by": str(report.decided_by) if report.decided_by else "",
            "is_sent": report.status == ReportStatus.SENT,
        }
        for report in reports
    ]


def decide(request, contract, contract_year, action) -> str | None:
    """The authority's decision on a sent version; an error message, or None when done."""
    report = get_object_or_404(
        ManagementReport.objects.filter(contract=contract, contract_year=contract_year),
        pk=posted_id(request.POST.get("report")),
    )
    ensure_allowed(policies.can_decide_report(request.user, report), AUTHORITY_ONLY)
    comments = request.POST.get("comments", "").strip()[:COMMENTS_MAX]
    try:
        services.decide_report(report, by=request.user, sign_off=action == "sign_off", comments=comments)
    except ValidationError as error:
        return " ".join(error.messages)
    if action == "sign_off":
        messages.success(request, f"Version {report.version} validée.")
    else:
        messages.success(request, f"Version {report.version} renvoyée à la CPTS avec vos remarques.")
    return None


@page("aci/dialogue/<int:year>/")
@allow("GET", "POST", check=require_reader, role=True)
def contracts_report(request, cpts_slug, year, role):
    cpts = request.cpts
    contract = contract_or_404(cpts)
    ensure_visible(1 <= year <= contract.duration_years)
    action = posted_action(request, True, {"send", *DECISIONS})  # each action asks its own right
    if action == "send":
        ensure_allowed(policies.can_send_report(request.user, cpts), SEND_ONLY)
    error = None
    if action == "send":
        try:
            report = send_report(contract, year, by=request.user)
        except ValidationError as refusal:
            error = " ".join(refusal.messages)
        else:
            messages.success(request, f"Rapport envoyé à l'ARS et à la CPAM : version {report.version}.")
            return redirect("contracts_report", cpts_slug=cpts.slug, year=year)
    elif action in DECISIONS:
        error = decide(request, contract, year, action)
        if error is None:
            return redirect("contracts_report", cpts_slug=cpts.slug, year=year)

    reports = list(
        ManagementReport.objects.filter(contract=contract, contract_year=year)
        .select_related("sent_by", "decided_by")
        .order_by("-version")
    )
    data = build_report(contract, year, by=request.user)
    context = {
        "cpts": cpts,
        "contract": contract,
        "year": year,
        "years": contract.years(),
        "role": role,
        "role_label": ROLE_LABELS[role],
        "is_coordinator": policies.can_send_report(request.user, cpts),
        "is_authority": policies.is_authority(request.user, cpts),
        "can_send": can_send(reports[0] if reports else None),
        "versions": version_rows(reports),
        "blocks": html_blocks(pdf_blocks(data)),
        "error": error,
        "comments": request.POST.get("comments", "") if error else "",
        "title": f"Dialogue de gestion, année {year} — {cpts.name}",
        "section": "report",
        "breadcrumb_data": aci_breadcrumb(request, cpts, f"Dialogue de gestion, année {year}", aci_link(cpts)),
    }
    return render(request, "contracts/report.html", context, status=422 if error else 200)


@page("aci/dialogue/versions/<int:pk>/<str:fmt>/")
@allow("GET", check=require_reader)
def contracts_report_download(request, cpts_slug, pk, fmt):
    ensure_visible(fmt in FILE_FORMATS)
    cpts = request.cpts
    report = get_object_or_404(ManagementReport.objects.filter(contract__cpts=cpts), pk=pk)
    ensure_visible(policies.can_see_report(request.user, report))
    data = with_version(report.data, report)
    content = report_pdf(data) if fmt == "pdf" else report_xlsx(data)
    record_export(report, cpts_id=cpts.pk, via=fmt.upper())
    filename = f"dialogue-de-gestion-{cpts.slug}-annee-{report.contract_year}-v{report.version}.{fmt}"
    return attachment(content, filename, FILE_FORMATS[fmt])
