"""Helpers shared by the governance pages."""

from django.urls import reverse

from ..space import add_errors, is_coordinator, posted_id, require_coordinator, require_member, space_breadcrumb

__all__ = ["add_errors", "is_coordinator", "posted_id", "require_coordinator", "require_member"]


governance_breadcrumb = space_breadcrumb


def elections_link(cpts) -> tuple[str, str]:
    return ("Élections", reverse("governance_elections", args=[cpts.slug]))


def assemblies_link(cpts) -> tuple[str, str]:
    return ("Assemblées générales", reverse("governance_assemblies", args=[cpts.slug]))


def member_label(membership) -> str:
    return str(membership.member)
