"""Helpers shared by the adhesion pages."""

from django.urls import reverse
from django.utils import timezone

from ...space import add_errors, posted_id, require_coordinator, space_breadcrumb

__all__ = ["add_errors", "posted_id", "require_coordinator", "space_breadcrumb"]


def current_year() -> int:
    return timezone.localdate().year


def members_link(cpts) -> tuple[str, str]:
    return ("Membres", reverse("members_list", args=[cpts.slug]))
