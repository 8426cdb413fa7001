"""A space's settings, for those who manage it (a CPTS's coordinators, the hosting organisation's
managers): name and description; a regional group's public sign-up (open or closed, its
questions); a working group's participants; archiving (the space stays readable, nobody writes
in it any more). 404 for someone who does not read the space, 403 for a reader who does not
manage it."""

from django.contrib import messages
from django.shortcuts import redirect, render

from maillon.core.models import CptsRole, User
from maillon.discussions import services
from maillon.discussions.models import SpaceKind

from ..space import allow, posted_action, save_form
from . import page
from .common import managed_space, space_context, visible_space
from .forms import SpaceForm, questions_text


def cpts_people(space) -> list[tuple[int, str]]:
    """The people with a role in the working group's CPTS, by name."""
    users = (
        User.objects.filter(pk__in=CptsRole.objects.for_cpts(space.cpts).values("user_id"), is_active=True)
        .order_by("last_name", "first_name", "pk")
        .only("pk", "first_name", "last_name", "email")
    )
    return [(user.pk, user.get_full_name() or user.email) for user in users]


def initial_of(space) -> dict:
    initial = {"name": space.name, "description": space.description}
    if space.is_regional:
        initial.update({"signup_open": space.signup_open, "questions": questions_text(space)})
    if space.kind == SpaceKind.WORKING_GROUP:
        initial["users"] = list(space.participants.filter(is_member=True).values_list("user_id", flat=True))
    return initial


@page("<int:space_id>/modifier/")
@allow("GET", "POST", check=visible_space)
def discussions_space_edit(request, space_id):
    space = managed_space(request)
    action = posted_action(request, True, {"save", "archive"})
    if action == "archive":
        if not space.is_archived:
            services.archive(space, by=request.user)
            messages.success(request, "Espace archivé : il reste lisible, plus personne n'y écrit.")
        return redirect("discussions_space", space_id=space.pk)
    people = cpts_people(space) if space.kind == SpaceKind.WORKING_GROUP else ()
    form = SpaceForm(request.POST if action else None, space=space, people=people, initial=initial_of(space))

    def write():
        data = form.cleaned_data
        regional, working = space.is_regional, space.kind == SpaceKind.WORKING_GROUP
        return services.update_space(
            space,
            name=data["name"],
            description=data["description"],
            by=request.user,
            signup_open=data["signup_open"] if regional else None,
            questions=data["questions"] if regional else None,
            users=list(User.objects.filter(pk__in=data["users"])) if working else None,
        )

    if action and save_form(request, form, write, "Espace enregistré."):
        return redirect("discussions_space_edit", space_id=space.pk)
    context = space_context(request, space, "Paramètres de l'espace", form=form)
    return render(request, "organisations/space_edit.html", context, status=400 if form.errors else 200)
