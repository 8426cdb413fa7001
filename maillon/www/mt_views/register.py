"""Registration on the waiting list: by the patient (public form of the CPTS of their
commune), or on their behalf by the coordinator or a partner member of the CPTS.

The public form answers the same confirmation whether or not the person was already
registered (the service reminds the registered person by e-mail instead): a visitor
cannot learn, by trying identities, who is on the list. Nothing personal in the URL:
after the POST, the same page says « sent » with `?envoyee=1`.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from maillon.mt import services
from maillon.mt.models import Channel
from maillon.territories.models import Commune

from ..public_views.public_request import public_request_page
from ..space import allow
from ..toolkit.communes import commune_suggestions
from ..toolkit.navigation import breadcrumb
from . import page, public_page
from .common import add_errors, desk_breadcrumb, is_coordinator, require_member
from .forms import PatientForm

SENT_PARAMETER = "envoyee"


def register(form, *, cpts, channel, by=None):
    """(patient, created), or None with the errors put on the form."""
    try:
        return services.register_patient(
            cpts=cpts, data=form.patient_data(), channel=channel, consent=form.cleaned_data["consent"], by=by
        )
    except ValidationError as error:
        add_errors(form, error)
        return None


def initial_commune(request, cpts):
    """The commune chosen on the search page (its INSEE code), if it is in this CPTS's territory."""
    code = str(request.GET.get("commune", ""))[:5]
    commune = Commune.objects.filter(code=code).first() if code.isalnum() else None
    return commune if commune is not None and services.cpts_of_commune(commune) == cpts else None


@public_page("<slug:cpts_slug>/inscription/")
def mt_register(request, cpts_slug):
    cpts = request.cpts
    context = {
        "title": f"Trouver un médecin traitant — {cpts.name}",
        "breadcrumb_data": breadcrumb(
            f"S'inscrire auprès de la {cpts.name}", ("Trouver un médecin traitant", reverse("mt_find"))
        ),
    }
    return public_request_page(
        request,
        "mt_register",
        SENT_PARAMETER,
        context,
        templates=("mt/register.html", "mt/register_sent.html"),
        form_of=lambda page_url: PatientForm(
            request.POST or None, cpts=cpts, search_url=page_url, initial_commune=initial_commune(request, cpts)
        ),
        submit=lambda form: register(form, cpts=cpts, channel=Channel.SELF) is not None,
    )


@page("medecin-traitant/inscrire/")
@allow("GET", "POST", check=require_member)
def mt_patient_new(request, cpts_slug):
    """The coordinator, or a partner member, registers a patient who gave their consent."""
    cpts = request.cpts
    page_url = reverse("mt_patient_new", args=[cpts.slug])
    suggestions = commune_suggestions(request, search_url=page_url)
    if suggestions is not None:
        return suggestions
    coordinator = is_coordinator(request)
    form = PatientForm(request.POST or None, cpts=cpts, for_self=False, search_url=page_url)
    if request.method == "POST" and not cpts.is_dissolved and form.is_valid():
        channel = Channel.COORDINATOR if coordinator else Channel.MEMBER
        result = register(form, cpts=cpts, channel=channel, by=request.user)
        if result is not None:
            patient, created = result
            if coordinator:
                if created:
                    messages.success(request, f"Patient n° {patient.pk} inscrit sur la liste d'attente.")
                else:
                    messages.info(
                        request, f"Cette personne était déjà inscrite (patient n° {patient.pk}) : rien n'a changé."
                    )
                return redirect("mt_patient", cpts.slug, patient.pk)
            # A partner sees only their own registrations: the same words whether or not the
            # person was already on the list (registered by someone else).
            messages.success(request, "La demande est enregistrée ; la coordination de la CPTS la prend en charge.")
            return redirect("mt_queue", cpts.slug)
    context = {
        "cpts": cpts,
        "form": form,
        "page_url": page_url,
        "title": f"Inscrire un patient — {cpts.name}",
        "breadcrumb_data": desk_breadcrumb(cpts, "Inscrire un patient"),
    }
    return render(request, "mt/patient_new.html", context)
