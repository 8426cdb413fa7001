from django import forms
from django.core.exceptions import ValidationError

from maillon.www.toolkit.forms import MaillonForm

FORMAT_NAMES = {".csv": "CSV (.csv)", ".xlsx": "XLSX (.xlsx)"}


class ImportUploadForm(MaillonForm):
    """The file of an import; `extensions` and `limits` come from the import's page."""

    file = forms.FileField(
        allow_empty_file=False,
        error_messages={
            "required": "Fichier : choisissez le fichier à importer.",
            "empty": "Fichier : le fichier est vide.",
            "invalid": "Fichier : le fichier n'a pas pu être lu ; déposez-le à nouveau.",
        },
    )

    def __init__(self, *args, page, limits, **kwargs):
        super().__init__(*args, **kwargs)
        self.page, self.limits = page, limits
        field = self.fields["file"]
        field.label = page.file_label
        formats = " ou ".join(
            "XLSX (classeur Excel, première feuille)" if ext == ".xlsx" else "CSV (séparateur « ; » ou « , »)"
            for ext in page.extensions
        )
        field.help_text = f"Format {formats}, {limits.megabytes} Mo au plus."
        field.widget = forms.ClearableFileInput(attrs={"accept": ",".join(page.extensions), "class": "fr-upload"})
        # The DSFR base form drew its bound fields at init: draw this one again with its label and help.
        self._bound_fields_cache.pop("file", None)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(self.page.extensions):
            names = " ou ".join(FORMAT_NAMES[ext] for ext in self.page.extensions)
            raise ValidationError(f"Fichier : seuls les fichiers {names} sont acceptés.")
        return upload
