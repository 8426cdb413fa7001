"""Uploaded documents (founding documents, proofs of indicator values): a format known by its
extension and by the bytes the file starts with, a size limit; refusals in French."""

from pathlib import Path

from django.core.exceptions import ValidationError

MEGABYTE = 1024 * 1024


def check_document(upload, *, label: str, signatures: dict[str, bytes], formats: str, max_bytes: int) -> None:
    """`signatures`: extension → the first bytes of such a file; `formats`: the refusal of any other
    (« seuls les fichiers PDF, PNG et JPEG sont acceptés. »); each refusal starts with `label`."""
    extension = Path(upload.name or "").suffix.lower()
    if extension not in signatures:
        raise ValidationError(f"{label} : {formats}")
    if upload.size > max_bytes:
        size = f"{upload.size / MEGABYTE:.1f}".replace(".", ",")
        raise ValidationError(f"{label} : {max_bytes // MEGABYTE} Mo au plus (ce fichier fait {size} Mo).")
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(len(signatures[extension]))
    upload.seek(position)
    if head != signatures[extension]:
        raise ValidationError(f"{label} : le contenu ne correspond pas à un fichier {extension[1:].upper()}.")
