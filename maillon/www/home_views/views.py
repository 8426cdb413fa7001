"""The home of each role, reached right after login (`my_home`), with what waits for it."""

from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from maillon.contracts import policies as contract_policies
from maillon.core import services
from maillon.core.models import Cpts, CptsRoleKind, User
from maillon.core.policies import PLATFORM_ADMIN_LABEL, ensure_visible, is_platform_admin
from maillon.creation import policies as creation_policies
from maillon.crisis import policies as crisis_policies
from maillon.members.models import MembershipStatus
from maillon.territories.models import TerritoryRoleKind

from ..space import save_form
from . import page, waiting
from .forms import CptsCreateForm
from .roles import cpts_under, homes_of, territory_kinds


@page("")
def my_home(request):
    """Where login leads: the one home of the person, or the choice between their homes."""
    homes = homes_of(request.user)
    if len(homes) == 1:
        return redirect(homes[0].url)
    return render(request, "www/home/choose.html", {"title": "Mes espaces", "homes": homes})


def require_territory_role(request, kind):
    ensure_visible(kind in territory_kinds(request.user))
    return list(cpts_under(request.user, kind))


def at_a_glance(user, cpts_list) -> list[dict]:
    """Each CPTS in the person's scope: its step, its adherents, and the pages they may open.

    Every CPTS listed lies in the scope of the same territorial role, so the policies answer
    alike for each: they are asked once, not once per CPTS."""
    adherents = dict(
        Cpts.objects.filter(pk__in=[cpts.pk for cpts in cpts_list])
        .annotate(n=Count("memberships", filter=Q(memberships__status=MembershipStatus.ACTIVE)))
        .values_list("pk", "n")
    )
    sample = cpts_list[0] if cpts_list else None
    contract = sample is not None and contract_policies.can_read_contract(user, sample)
    plan = sample is not None and crisis_policies.can_read_plan(user, sample)
    return [
        {"cpts": cpts, "adherents": adherents.get(cpts.pk, 0), "contract": contract, "plan": plan} for cpts in cpts_list
    ]


@page("autorite/")
def home_authority(request):
    cpts_list = require_territory_role(request, TerritoryRoleKind.AUTHORITY)
    context = {
        "title": "Accueil de l'autorité",
        "decisions": waiting.decisions_waiting(request.user, cpts_list),
        "glance": at_a_glance(request.user, cpts_list),
        "letters": creation_policies.can_see_letters(request.user),
    }
    return render(request, "www/home/authority.html", context)


@page("observation/")
def home_observer(request):
    cpts_list = require_territory_role(request, TerritoryRoleKind.OBSERVER)
    context = {
        "title": "Accueil de l'observation",
        "glance": at_a_glance(request.user, cpts_list),
        "letters": creation_policies.can_see_letters(request.user),
    }
    return render(request, "www/home/observer.html", context)


@page("regulation-sas/")
def home_sas(request):
    cpts_list = require_territory_role(request, TerritoryRoleKind.SAS_REGULATOR)
    rows = waiting.sas_requests_by_state(request.user, cpts_list)
    context = {"title": "Accueil de la régulation SAS", "rows": rows, "open": sum(row["open"] for row in rows)}
    return render(request, "www/home/sas.html", context)


@page("administration/")
def home_admin(request, form=None):
    ensure_visible(is_platform_admin(request.user))
    cpts_list = Cpts.objects.annotate(
        coordinators=Count("roles", filter=Q(roles__role=CptsRoleKind.COORDINATOR)),
        members=Count("roles", filter=Q(roles__role=CptsRoleKind.MEMBER)),
    ).order_by("name")
    context = {
        "title": PLATFORM_ADMIN_LABEL,
        "form": form or CptsCreateForm(),
        "cpts_list": cpts_list,
        "accounts": User.objects.filter(is_active=True).count(),
        "without_coordinator": sum(1 for cpts in cpts_list if not cpts.coordinators and not cpts.is_dissolved),
    }
    return render(request, "www/home/admin.html", context)


@page("administration/nouvelle-cpts/")
@require_POST
def home_admin_cpts_new(request):
    """Create a CPTS, then invite its first coordinator (the invitation page of the new CPTS)."""
    ensure_visible(is_platform_admin(request.user))
    form = CptsCreateForm(request.POST)
    created = []

    def write():
        created.append(services.create_cpts(by=request.user, **form.cleaned_data))
        return created[0]

    done = "CPTS créée. Invitez maintenant sa première coordination, puis tracez son territoire."
    if not save_form(request, form, write, done):
        return home_admin(request, form=form)
    return redirect("cpts_invite", cpts_slug=created[0].slug)
