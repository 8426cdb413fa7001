"""A CPTS's discussion spaces, from its menu: the space of all members, one per mission it runs,
its working groups (those the person reads), and the coordinator's form for a new working group
with the people of the CPTS chosen (`services.create_working_group`)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from maillon.core.models import CptsRole, User
from maillon.discussions import services

from ..space import add_errors, allow, require_member, space_breadcrumb
from . import page
from .common import ensure_allowed, policies, unread_by_space
from .forms import WorkingGroupForm


def discussions_link(cpts) -> tuple[str, str]:
    return ("Discussions", reverse("cpts_discussions", args=[cpts.slug]))


@page("discussions/")
@allow("GET", check=require_member)
def cpts_discussions(request, cpts_slug):
    cpts, user = request.cpts, request.user
    services.ensure_cpts_spaces(cpts)
    spaces = list(
        policies.readable_spaces(user)
        .filter(cpts=cpts)
        .select_related("cpts")
        .order_by("kind", "mission", "name", "pk")
    )
    unread = unread_by_space(user, [space.pk for space in spaces])
    for space in spaces:
        space.unread = unread.get(space.pk, 0)
    context = {
        "cpts": cpts,
        "spaces": spaces,
        "can_create_working_group": policies.can_create_working_group(user, cpts),
        "title": f"Discussions — {cpts.name}",
        "breadcrumb_data": space_breadcrumb(cpts, "Discussions"),
    }
    return render(request, "discussions/cpts.html", context)


def people_of(cpts, but):
    """(user id, « Nom Prénom — rôle ») of the people with a role in the CPTS, but `but`."""
    roles = (
        CptsRole.objects.for_cpts(cpts)
        .exclude(user=but)
        .filter(user__is_active=True)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__email")
    )
    return [
        (role.user_id, f"{role.user.last_name.upper()} {role.user.first_name} — {role.get_role_display()}".strip())
        for role in roles
    ]


@page("discussions/groupe-de-travail/")
@allow("GET", "POST", check=require_member)
def discussions_working_group_new(request, cpts_slug):
    cpts, user = request.cpts, request.user
    ensure_allowed(policies.can_create_working_group(user, cpts), "Seule la coordination crée un groupe de travail.")
    form = WorkingGroupForm(request.POST or None, people=people_of(cpts, user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            space = services.create_working_group(
                cpts,
                name=data["name"],
                description=data["description"],
                users=list(User.objects.filter(pk__in=data["people"])),
                by=user,
            )
        except ValidationError as error:
            if "users" in getattr(error, "error_dict", {}):
                form.add_error("people", error.error_dict["users"])
            else:
                add_errors(form, error)
        else:
            messages.success(request, f"Groupe de travail « {space.name} » créé.")
            return redirect("discussions_space", space_id=space.pk)
    context = {
        "cpts": cpts,
        "form": form,
        "title": f"Nouveau groupe de travail — {cpts.name}",
        "breadcrumb_data": space_breadcrumb(cpts, "Nouveau groupe de travail", discussions_link(cpts)),
    }
    return render(request, "discussions/working_group_new.html", context, status=400 if form.errors else 200)
