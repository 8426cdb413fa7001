"""Import the CPAM's list of patients without a médecin traitant (coordinator): the generic
import page (maillon/www/imports) with the CPAM list's import (maillon/mt/imports.py)."""

from maillon.mt import imports

from ..imports.views import ImportPage
from .common import desk_breadcrumb, require_coordinator


def refusal(cpts):
    return "Cette CPTS est dissoute : aucun patient ne peut être inscrit." if cpts.is_dissolved else ""


PAGE = ImportPage(
    url_name="mt_import",
    title="Importer la liste de la CPAM",
    file_label="Liste de la CPAM",
    importer=imports.IMPORTER,
    breadcrumb=desk_breadcrumb,
    guard=require_coordinator,
    template_dir="mt/import/",
    extensions=(".csv",),
    done_url_name="mt_queue",
    nav_template="mt/_nav.html",
    refusal=refusal,
    extra_context={"coordinator": True},
)
