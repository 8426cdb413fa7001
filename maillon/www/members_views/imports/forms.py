from django import forms
from django.core.exceptions import ValidationError

from maillon.www.public_views.forms import MaillonForm

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
EXTENSIONS = (".csv", ".xlsx")


class ImportUploadForm(MaillonForm):
    file = forms.FileField(
        label="Fichier des membres",
        help_text="Format CSV (séparateur « ; » ou « , ») ou XLSX (classeur Excel, première feuille), 5 Mo au plus.",
        allow_empty_file=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx", "class": "fr-upload"}),
        error_messages={
            "required": "Fichier : choisissez le fichier à importer.",
            "empty": "Fichier : le fichier est vide.",
            "invalid": "Fichier : le fichier n'a pas pu être lu ; déposez-le à nouveau.",
        },
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(EXTENSIONS):
            raise ValidationError("Fichier : seuls les fichiers CSV (.csv) ou XLSX (.xlsx) sont acceptés.")
        if upload.size > MAX_UPLOAD_BYTES:
            size = f"{upload.size / (1024 * 1024):.1f}".replace(".", ",")
            raise ValidationError(f"Fichier : 5 Mo au plus (ce fichier fait {size} Mo).")
        return upload
