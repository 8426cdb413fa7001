"""Links of the breadcrumbs to the pages of a CPTS's space."""

from django.urls import reverse


def space_link(label: str, route: str):
    """`link(cpts)` → (label, url) of the page `route` of that CPTS's space, for `space_breadcrumb`."""
    return lambda cpts: (label, reverse(route, args=[cpts.slug]))
