"""Import members from a CSV or XLSX file (coordinators): the generic import page
(maillon/www/imports) with the members import (maillon/members/imports)."""

from maillon.members import imports

from ...imports.views import ImportPage
from ...space import space_breadcrumb
from ..adhesion.common import require_coordinator

PAGE = ImportPage(
    url_name="members_import",
    title="Importer des membres",
    file_label="Fichier des membres",
    importer=imports.IMPORTER,
    breadcrumb=space_breadcrumb,
    guard=require_coordinator,
    template_dir="members/imports/",
)
