"""The alert chain of a CPTS (coordination only): levels of the cascade, who is in each,
and each member's contact channels."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render

from maillon.core import journal
from maillon.crisis_response import dispatch, services
from maillon.crisis_response.models import AlertLevel, AlertLevelMember, Channel, ContactPreference
from maillon.members.models import Professional

from ..space import add_errors, allow, posted_id
from . import page
from .response_common import crises_breadcrumb, may, require_coordinator
from .response_forms import LevelForm, LevelMemberForm, PreferenceForm

SHOWN_FIELDS = ["first_name", "last_name", "email", "phone"]


@page("crise/chaine/")
@allow("GET", "POST", check=require_coordinator, role=True)
def crisis_response_chain(request, cpts_slug, role):
    cpts = request.cpts
    action = request.POST.get("action")
    professionals = list(services.active_professionals(cpts).order_by("last_name", "first_name"))
    levels = list(AlertLevel.objects.for_cpts(cpts).order_by("rank"))
    level_form = LevelForm(request.POST if action == "add_level" else None)
    member_form = LevelMemberForm(
        request.POST if action == "add_member" else None, levels=levels, professionals=professionals
    )
    preference_form = PreferenceForm(request.POST if action == "preference" else None, professionals=professionals)
    if request.method == "POST":
        done = _post(request, cpts, action, level_form, member_form, preference_form)
        if done:
            messages.success(request, done)
            return redirect("crisis_response_chain", cpts.slug)
    preferences = {row.professional_id: row for row in ContactPreference.objects.for_cpts(cpts)}
    chain = services.chain(cpts)
    shown = {row.professional_id for _, rows in chain for row in rows}
    if shown:
        journal.record_reads(Professional, shown, SHOWN_FIELDS, cpts_id=cpts.pk, note="chaîne d'alerte")
    context = {
        "cpts": cpts,
        "role": role,
        "may": may(request),
        "chain": [
            (
                level,
                [
                    {
                        "row": row,
                        "professional": row.professional,
                        "channels": [
                            Channel(channel).label
                            for channel in dispatch.channels_for(row.professional, preferences.get(row.professional_id))
                        ],
                    }
                    for row in rows
                ],
            )
            for level, rows in chain
        ],
        "level_form": level_form,
        "member_form": member_form,
        "preference_form": preference_form,
        "title": f"Chaîne d'alerte — {cpts.name}",
        "breadcrumb_data": crises_breadcrumb(cpts, role, "Chaîne d'alerte"),
    }
    return render(request, "crisis/response_chain.html", context)


def _post(request, cpts, action, level_form, member_form, preference_form) -> str:
    """The success message, or "" when a form has errors."""
    try:
        if action == "add_level" and level_form.is_valid():
            level = services.add_level(cpts, **level_form.cleaned_data)
            return f"{level} ajouté."
        if action == "add_member" and member_form.is_valid():
            level = get_object_or_404(AlertLevel.objects.for_cpts(cpts), pk=member_form.cleaned_data["level"])
            professional = get_object_or_404(
                services.active_professionals(cpts), pk=member_form.cleaned_data["professional"]
            )
            services.add_to_level(level, professional)
            return f"Membre ajouté au {level}."
        if action == "remove_member":
            row = get_object_or_404(
                AlertLevelMember.objects.filter(level__cpts=cpts), pk=posted_id(request.POST.get("pk"))
            )
            row.delete()
            return "Membre retiré de la chaîne."
        if action == "remove_level":
            level = get_object_or_404(AlertLevel.objects.for_cpts(cpts), pk=posted_id(request.POST.get("pk")))
            services.remove_level(level)
            return "Niveau supprimé ; les suivants remontent d'un rang."
        if action == "preference" and preference_form.is_valid():
            data = preference_form.cleaned_data
            professional = get_object_or_404(services.active_professionals(cpts), pk=data["professional"])
            services.set_preference(cpts, professional, by_email=data["by_email"], by_sms=data["by_sms"])
            return "Canaux de contact enregistrés."
    except ValidationError as error:
        form = {"add_level": level_form, "add_member": member_form, "preference": preference_form}.get(action)
        if form is None:
            messages.error(request, " ".join(error.messages))
        else:
            add_errors(form, error)
    return ""
