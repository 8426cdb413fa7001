"""Helpers shared by the mailing pages."""

from django.urls import reverse

from ..adhesion.common import journal_summary, require_coordinator, space_breadcrumb

__all__ = ["journal_summary", "mailings_link", "require_coordinator", "space_breadcrumb"]


def mailings_link(cpts) -> tuple[str, str]:
    return ("Messages", reverse("members_mailings", args=[cpts.slug]))
