"""Helpers shared by the adhesion pages."""

from django.urls import reverse
from django.utils import timezone

from maillon.core.access import require_cpts_role
from maillon.core.models import CptsRoleKind

from ...public_views.common import breadcrumb


def require_coordinator(request):
    """404, as for a CPTS that does not exist, unless the user coordinates this CPTS."""
    require_cpts_role(request, CptsRoleKind.COORDINATOR)


def current_year() -> int:
    return timezone.localdate().year


def space_breadcrumb(cpts, current: str, *links: tuple[str, str]) -> dict:
    """CPTS › Espace membres › … › current page."""
    return breadcrumb(
        current,
        (cpts.name, reverse("cpts_detail", args=[cpts.slug])),
        ("Espace membres", reverse("cpts_dashboard", args=[cpts.slug])),
        *links,
    )


def members_link(cpts) -> tuple[str, str]:
    return ("Membres", reverse("members_list", args=[cpts.slug]))


def add_errors(form, error):
    """Put a model's ValidationError on the form: on its field when the form has it, else on top."""
    if hasattr(error, "error_dict"):
        for field, messages in error.error_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error)
