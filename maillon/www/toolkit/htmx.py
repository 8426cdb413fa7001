"""htmx: one URL answers the full page or the part htmx asks for."""

from django.utils.cache import patch_vary_headers


def is_htmx(request) -> bool:
    """A partial update asked by htmx (not a history restore, which wants the full page)."""
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-History-Restore-Request") != "true"


def vary_on_htmx(response):
    """The same URL answers a full page or a partial: caches must tell them apart."""
    patch_vary_headers(response, ["HX-Request"])
    return response
