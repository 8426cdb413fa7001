"""Uploads limited while they stream (`UploadLimitHandler`, first of FILE_UPLOAD_HANDLERS) and
bodies limited by their declared size (`RequestSizeLimitMiddleware`); each kind of upload keeps
its own, smaller limit."""

import pytest
from django.conf import settings
from django.core.files.uploadhandler import MemoryFileUploadHandler
from django.test import RequestFactory

from maillon.core.middleware import RequestSizeLimitMiddleware, request_size_limit
from maillon.core.upload_handlers import UploadLimitHandler, UploadTooLarge
from maillon.governance.models import MAX_DOCUMENT_BYTES
from maillon.prevention.models import MAX_MATERIAL_BYTES
from maillon.snp.slots import MAX_ICS_BYTES


def test_the_limit_handler_comes_before_django_spools_anything():
    assert settings.FILE_UPLOAD_HANDLERS[0] == "maillon.core.upload_handlers.UploadLimitHandler"
    assert settings.FILE_UPLOAD_HANDLERS[1:] == [
        "django.core.files.uploadhandler.MemoryFileUploadHandler",
        "django.core.files.uploadhandler.TemporaryFileUploadHandler",
    ]


def test_the_upload_limit_holds_every_legitimate_upload_and_each_kind_keeps_its_own():
    attachments = 5 * settings.MAILLON_IMPORT_MAX_BYTES  # a message's five attachments
    kinds = [MAX_DOCUMENT_BYTES, MAX_MATERIAL_BYTES, settings.MAILLON_IMPORT_MAX_BYTES, MAX_ICS_BYTES, attachments]
    assert settings.MAILLON_UPLOAD_MAX_BYTES == max(kinds) == 25 * 1024 * 1024


def multipart_request(size, **extra):
    return RequestFactory().post("/", {"note": "bonjour", "file": _file("a.pdf", b"%PDF-" + b"x" * size)}, **extra)


def _file(name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def test_files_past_the_limit_are_stopped_before_the_next_handlers_get_them(settings, monkeypatch):
    settings.MAILLON_UPLOAD_MAX_BYTES = 100 * 1024
    passed_on = []
    original = MemoryFileUploadHandler.receive_data_chunk
    monkeypatch.setattr(
        MemoryFileUploadHandler,
        "receive_data_chunk",
        lambda self, data, start: passed_on.append(len(data)) or original(self, data, start),
    )
    request = multipart_request(1024 * 1024)
    with pytest.raises(UploadTooLarge, match="Fichiers de la requête : 0,1 Mo au plus"):
        request.FILES  # reading the files runs the handlers
    assert sum(passed_on) <= 100 * 1024


def test_files_within_the_limit_reach_the_form_whole(settings):
    settings.MAILLON_UPLOAD_MAX_BYTES = 100 * 1024
    request = multipart_request(50 * 1024)
    assert request.FILES["file"].size == 50 * 1024 + 5
    assert request.POST["note"] == "bonjour"
    assert isinstance(request.upload_handlers[0], UploadLimitHandler)


def test_the_declared_size_limit_depends_on_the_kind_of_body():
    factory = RequestFactory()
    json_request = factory.post("/api/v1/x", "{}", content_type="application/json")
    assert request_size_limit(json_request) == settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 2_621_440
    upload = multipart_request(10)
    assert request_size_limit(upload) == settings.MAILLON_UPLOAD_MAX_BYTES + settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def test_the_middleware_never_reads_a_body_it_refuses_and_ignores_a_false_length():
    reached = []
    middleware = RequestSizeLimitMiddleware(lambda request: reached.append(request) or "answer")
    request = RequestFactory().post("/api/v1/x", "{}", content_type="application/json")
    request.META["CONTENT_LENGTH"] = str(3 * 1024 * 1024)
    response = middleware(request)
    assert response.status_code == 413 and not reached
    request.META["CONTENT_LENGTH"] = "beaucoup"
    assert middleware(request) == "answer"
