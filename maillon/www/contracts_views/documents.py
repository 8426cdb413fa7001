"""The justificatif of an indicator value, for the readers of the ACI only: served through
this view (never a public MEDIA URL) and journaled as an export, as the governance
founding documents are (governance_views/download.py)."""

from pathlib import Path

from django.shortcuts import get_object_or_404

from maillon.contracts.models import IndicatorValue
from maillon.core import journal

from ..space import allow
from ..spreadsheets import stored_file
from . import page
from .access import require_reader
from .forms import VALUE_DOCUMENT_CONTENT_TYPES


@page("aci/indicateurs/valeurs/<int:pk>/justificatif/")
@allow("GET", check=require_reader)
def contracts_indicator_document(request, cpts_slug, pk):
    value = get_object_or_404(
        IndicatorValue.objects.select_related("indicator")
        .filter(indicator__contract__cpts=request.cpts)
        .exclude(document=""),
        pk=pk,
    )
    extension = Path(value.document.name).suffix.lower()
    content_type = VALUE_DOCUMENT_CONTENT_TYPES.get(extension, "application/octet-stream")
    name = f"Justificatif - {value.indicator.code} - année {value.contract_year}{extension}"
    response = stored_file(value.document, name, content_type)
    journal.record(journal.Action.EXPORT, value, cpts_id=request.cpts.pk, fields=["document"])
    return response
