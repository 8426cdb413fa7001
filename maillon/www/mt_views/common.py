"""Who sees what on the médecin traitant desk (least access), shared by its pages: the
rules live in maillon/mt/policies.py (the API asks the same functions).

- the coordinator sees every registration and proposal of the CPTS;
- a member sees the patients they registered, and nobody else;
- the proposed doctor sees the patient of their proposal, through the proposal page.
Everyone else gets a 404, the same as for a CPTS that does not exist — a platform admin
without a role in the CPTS too (unlike the other spaces' pages, the desk holds health data).
"""

from django.http import Http404
from django.urls import reverse

from maillon.core import journal
from maillon.members.models import Membership
from maillon.members.professions import Profession
from maillon.mt import policies
from maillon.mt.models import Patient, Proposal

from ..space import add_errors, posted_id, space_breadcrumb

__all__ = ["add_errors", "is_coordinator", "posted_id", "require_coordinator", "require_member"]


def _role(request):
    cpts = getattr(request, "cpts", None)
    if cpts is None:
        raise Http404
    return cpts  # the middleware handed the user's role over to the policies already


def require_member(request):
    """404, as for a CPTS that does not exist, unless the user has a role in this CPTS."""
    if not policies.can_use_desk(request.user, _role(request)):
        raise Http404


def require_coordinator(request):
    """404, as for a CPTS that does not exist, unless the user coordinates this CPTS."""
    if not policies.can_coordinate(request.user, _role(request)):
        raise Http404


def is_coordinator(request) -> bool:
    return policies.is_coordinator(request.user, _role(request))


# The personal fields a page shows, for the journal (names only, never values).
PATIENT_FIELDS_SHOWN = ["first_name", "last_name", "birth_date", "commune", "email", "phone", "criteria"]


def desk_link(cpts) -> tuple[str, str]:
    return ("Médecin traitant", reverse("mt_queue", args=[cpts.slug]))


def desk_breadcrumb(cpts, current: str, *links: tuple[str, str]) -> dict:
    return space_breadcrumb(cpts, current, desk_link(cpts), *links)


def my_doctor_card(request):
    """The user's professional card if they are a médecin with an active adhesion to this CPTS, else None."""
    professional = getattr(request.user, "professional", None)
    if professional is None or professional.profession != Profession.MEDECIN:
        return None
    active = Membership.objects.for_cpts(request.cpts).active().filter(professional=professional).exists()
    return professional if active else None


def record_list_read(cpts, patient_ids, *, fields, note: str) -> None:
    """A list page shows patients: one journal entry per patient shown."""
    journal.record_reads(Patient, patient_ids, fields, cpts_id=cpts.pk, note=note)


def visible_patient_or_404(request, pk) -> Patient:
    """A registration of this CPTS that the coordinator, or the partner member who
    registered it (still holding a role in the CPTS), may see."""
    require_member(request)
    patient = Patient.objects.for_cpts(request.cpts).select_related("commune").filter(pk=pk).first()
    if patient is None or not policies.can_see_patient(request.user, patient):
        raise Http404
    return patient


def proposal_or_404(request, pk) -> Proposal:
    """A proposal of this CPTS, for the coordinator or the doctor of its offer."""
    proposal = (
        Proposal.objects.filter(patient__cpts=request.cpts, pk=pk)
        .select_related("patient__commune", "offer__doctor", "run")
        .first()
    )
    if proposal is None or not policies.can_see_proposal(request.user, proposal):
        raise Http404
    return proposal
