"""The public pages of the regional groups, without login: the groups open to sign-up and each
group's sign-up form (who one is, one's profession, an optional RPPS checked, one's commune and
CPTS, and the group's questions). The pilot team reviews each request.

- A group closed to sign-up, archived, or a CPTS's space answers 404, as a missing one.
- Sending is throttled per address (`core.throttle`, scope « discussions.signup »; 429 with
  nothing written); a robot (the trap field) gets the answer people get, nothing written.
- An answer holding a patient's NIR or INS is refused (`services.submit_signup`).
- After the POST the same page says « sent » (`?envoye=1`): the same words whether the address
  was known or not, nothing personal in the URL.
"""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from maillon.core import throttle
from maillon.discussions import policies, services

from ..discussions_views.forms import forget_refused
from ..space import add_errors, allow
from ..toolkit.navigation import breadcrumb
from . import page
from .forms import SignupPublicForm

SENT_PARAMETER = "envoye"
THROTTLE_SCOPE = services.SIGNUP_THROTTLE_SCOPE
THROTTLED = (
    "Trop de demandes ont été envoyées depuis votre connexion cette dernière heure. "
    "Réessayez dans une heure, ou contactez l'organisation qui anime le groupe."
)
GROUPS_TITLE = "Groupes d'échange régionaux"


@page("")
@allow("GET", check=None)
def discussions_groups_public(request):
    groups = policies.signup_spaces().select_related("organisation__region").order_by("name", "pk")
    context = {
        "groups": list(groups),
        "title": GROUPS_TITLE,
        "breadcrumb_data": breadcrumb(GROUPS_TITLE),
    }
    return render(request, "organisations/public/groups.html", context)


@page("<int:space_id>/inscription/")
@allow("GET", "POST", check=None)
def discussions_group_signup(request, space_id):
    space = get_object_or_404(policies.signup_spaces().select_related("organisation__region"), pk=space_id)
    page_url = reverse("discussions_group_signup", args=[space.pk])
    sent = request.GET.get(SENT_PARAMETER) == "1"
    form = None if sent else SignupPublicForm(request.POST or None, space=space)
    status = 200
    if form is not None and request.method == "POST":
        if not throttle.allow(request, THROTTLE_SCOPE):
            form.is_valid()  # the answers stay in the form; nothing is written
            form.add_error(None, THROTTLED)
            status = 429
        elif form.is_spam():
            return redirect(f"{page_url}?{SENT_PARAMETER}=1")
        elif form.is_valid():
            try:
                services.submit_signup(space, form.signup())
            except ValidationError as error:
                add_errors(form, error)
                forget_refused(form, error)
            else:
                return redirect(f"{page_url}?{SENT_PARAMETER}=1")
        if status == 200:
            status = 400
    context = {
        "space": space,
        "organisation": space.organisation,
        "form": form,
        "sent": sent,
        "page_url": page_url,
        "title": f"S'inscrire — {space.name}",
        "breadcrumb_data": breadcrumb(space.name, (GROUPS_TITLE, reverse("discussions_groups_public"))),
    }
    return render(request, "organisations/public/signup.html", context, status=status)
