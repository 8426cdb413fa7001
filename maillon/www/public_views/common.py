"""Helpers shared by the page views of the www layer."""

from django.utils.cache import patch_vary_headers


def is_htmx(request) -> bool:
    """A partial update asked by htmx (not a history restore, which wants the full page)."""
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-History-Restore-Request") != "true"


def vary_on_htmx(response):
    """The same URL answers a full page or a partial: caches must tell them apart."""
    patch_vary_headers(response, ["HX-Request"])
    return response


def breadcrumb(current: str, *links: tuple[str, str]) -> dict:
    """Data for `{% dsfr_breadcrumb %}`: (title, url) links, then the current page."""
    return {"links": [{"title": title, "url": url} for title, url in links], "current": current}
