"""Uploads limited while they stream.

Django spools an uploaded file (to memory, then to a temporary file) before any form sees it: a
size checked by the form (`uploads.check_document`, the import kit) comes after the whole file is
on disk. `UploadLimitHandler`, first of FILE_UPLOAD_HANDLERS, counts the bytes of every file of a
request as they arrive and stops the upload as soon as they pass MAILLON_UPLOAD_MAX_BYTES (the
largest legitimate upload: five 5 Mo attachments of a message); what was received is dropped and
the request answers 413 (`UploadTooLarge` is a `RequestDataTooBig`: `maillon.www.errors.bad_request`
on pages, the API's error handler on the API). Each kind of upload keeps its own, smaller limit,
said in French on its field (documents 10 Mo, prevention materials 20 Mo, imports 5 Mo, .ics 1 Mo).
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler


def megabytes(limit: int) -> str:
    """« 2,5 », « 25 »: a limit in megabytes as a French text says it."""
    return f"{limit / (1024 * 1024):.1f}".replace(".0", "").replace(".", ",")


class UploadTooLarge(RequestDataTooBig):
    """The files of a request passed MAILLON_UPLOAD_MAX_BYTES while they streamed."""


class UploadLimitHandler(FileUploadHandler):
    """Counts the bytes of the request's files and refuses past the limit; passes every chunk on
    unchanged to the next handlers (memory, then temporary file)."""

    def __init__(self, request=None):
        super().__init__(request)
        self.limit = settings.MAILLON_UPLOAD_MAX_BYTES
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            raise UploadTooLarge(f"Fichiers de la requête : {megabytes(self.limit)} Mo au plus.")
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handlers build the file
