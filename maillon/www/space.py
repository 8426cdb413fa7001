"""Helpers of the CPTS members' space (/cpts/<slug>/…), shared by its page modules."""

from django.urls import reverse

from maillon.core import policies

from .toolkit.navigation import breadcrumb


def require_member(request):
    """404, as for a CPTS that does not exist, unless the user has a role in this CPTS
    (`core.policies.has_cpts_role`: a platform admin without a role there has none)."""
    policies.ensure_visible(policies.has_cpts_role(request.user, getattr(request, "cpts", None)))


def require_coordinator(request):
    """404, as for a CPTS that does not exist, unless the user coordinates this CPTS."""
    policies.ensure_visible(policies.is_coordinator(request.user, getattr(request, "cpts", None)))


def is_coordinator(request) -> bool:
    """The user coordinates this CPTS (`core.policies.is_coordinator`; a platform admin does not)."""
    return policies.is_coordinator(request.user, getattr(request, "cpts", None))


def space_breadcrumb(cpts, current: str, *links: tuple[str, str]) -> dict:
    """CPTS › Espace membres › … › current page."""
    return breadcrumb(
        current,
        (cpts.name, reverse("cpts_detail", args=[cpts.slug])),
        ("Espace membres", reverse("cpts_dashboard", args=[cpts.slug])),
        *links,
    )


def posted_id(value) -> int:
    """A posted primary key; 0 (found nowhere, so 404) when it is not an ASCII number."""
    value = str(value or "")
    return int(value) if value.isascii() and value.isdigit() else 0


def add_errors(form, error):
    """Put a model's ValidationError on the form: on its field when the form has it, else on top."""
    if hasattr(error, "error_dict"):
        for field, messages in error.error_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error)
