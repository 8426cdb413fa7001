"""Breadcrumbs of the pages."""


def breadcrumb(current: str, *links: tuple[str, str]) -> dict:
    """Data for `{% dsfr_breadcrumb %}`: (title, url) links, then the current page."""
    return {"links": [{"title": title, "url": url} for title, url in links], "current": current}
