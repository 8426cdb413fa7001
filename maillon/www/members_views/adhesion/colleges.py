"""The collèges of the CPTS (coordinators): create, rename, seats and order, delete if unused."""

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.db.models import Count, ProtectedError, Q
from django.shortcuts import get_object_or_404, redirect, render

from maillon.members.models import OPEN_STATUSES, College

from ...space import allow, posted_action
from .. import page
from .common import members_link, posted_id, require_coordinator, space_breadcrumb
from .forms import CollegeForm

DUPLICATE = "Nom du collège : un collège de ce nom existe déjà dans cette CPTS."


def colleges_of(cpts):
    return College.objects.for_cpts(cpts).annotate(
        open_count=Count("memberships", filter=Q(memberships__status__in=OPEN_STATUSES)),
        all_count=Count("memberships"),
    )


def save_college(form, cpts, college=None) -> bool:
    """Create or update; False (with the error on the form) if the name is taken meanwhile."""
    college = college or College(cpts=cpts)
    college.name, college.seats, college.position = (form.cleaned_data[k] for k in ("name", "seats", "position"))
    try:
        with transaction.atomic():
            college.save()
    except IntegrityError:
        form.add_error("name", DUPLICATE)
        return False
    return True


def delete_college(request, college) -> None:
    try:
        with transaction.atomic():
            college.delete()
    except ProtectedError as error:
        count = len(error.protected_objects)
        messages.error(
            request,
            f"Le collège « {college.name} » ne peut pas être supprimé : {count} adhésion(s), "
            "actuelles ou passées, y sont rattachées. Rattachez d'abord les adhésions en cours à un autre collège ; "
            "un collège qui garde l'historique d'anciennes adhésions peut être renommé (par exemple « ancien »).",
        )
    else:
        messages.success(request, f"Collège « {college.name} » supprimé.")


@page("colleges/")
@allow("GET", "POST", check=require_coordinator)
def members_colleges(request, cpts_slug):
    cpts = request.cpts
    action = posted_action(request, True, {"create", "update", "delete"})
    colleges = list(colleges_of(cpts))
    create_form = CollegeForm(request.POST if action == "create" else None, cpts=cpts, prefix="new")
    edit_forms = {}
    if action in ("update", "delete"):
        college = get_object_or_404(College.objects.for_cpts(cpts), pk=posted_id(request.POST.get("college")))
        if action == "delete":
            delete_college(request, college)
            return redirect("members_colleges", cpts_slug=cpts.slug)
        form = CollegeForm(request.POST, cpts=cpts, instance=college, prefix=f"c{college.pk}")
        if form.is_valid() and save_college(form, cpts, college):
            messages.success(request, f"Collège « {college.name} » enregistré.")
            return redirect("members_colleges", cpts_slug=cpts.slug)
        edit_forms[college.pk] = form
    elif action == "create" and create_form.is_valid() and save_college(create_form, cpts):
        messages.success(request, f"Collège « {create_form.cleaned_data['name']} » créé.")
        return redirect("members_colleges", cpts_slug=cpts.slug)
    rows = [
        {
            "college": college,
            "form": edit_forms.get(college.pk) or CollegeForm(cpts=cpts, instance=college, prefix=f"c{college.pk}"),
        }
        for college in colleges
    ]
    context = {
        "cpts": cpts,
        "rows": rows,
        "create_form": create_form,
        "title": f"Collèges — {cpts.name}",
        "breadcrumb_data": space_breadcrumb(cpts, "Collèges", members_link(cpts)),
    }
    return render(request, "members/adhesion/colleges.html", context)
