"""One general assembly: agenda, minutes, attendance (ticked by the coordinator)
and the share of members present."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render

from maillon.core import journal
from maillon.governance.models import GeneralAssembly

from ..space import allow, posted_action
from . import page
from .common import add_errors, assemblies_link, ensure_visible, governance_breadcrumb, policies, require_governance
from .forms import AssemblyForm, AttendanceForm


@page("gouvernance/assemblees/<int:pk>/")
@allow("GET", "POST", check=require_governance)
def governance_assembly(request, cpts_slug, pk):
    cpts = request.cpts
    assembly = get_object_or_404(GeneralAssembly.objects.for_cpts(cpts), pk=pk)
    ensure_visible(policies.can_see_assembly(request.user, assembly))
    coordinator = policies.can_manage_assembly(request.user, assembly)
    action = posted_action(request, coordinator, {"attendance", "edit"})
    back = redirect("governance_assembly", cpts_slug=cpts.slug, pk=assembly.pk)
    present = list(assembly.attendance.select_related("professional", "structure").order_by("pk"))
    attendance_form = edit_form = None
    if coordinator:
        attendance_form = AttendanceForm(
            request.POST if action == "attendance" else None,
            assembly=assembly,
            initial={"present": [m.pk for m in present]},
        )
        fields = ("date", "kind", "place", "agenda", "minutes")
        edit_form = AssemblyForm(
            request.POST if action == "edit" else None, initial={f: getattr(assembly, f) for f in fields}
        )
    if action == "attendance" and attendance_form.is_valid():
        try:
            assembly.set_attendance(attendance_form.cleaned_data["present"], by=request.user)
        except ValidationError as error:
            add_errors(attendance_form, error)
        else:
            messages.success(request, "Présences enregistrées.")
            return back
    if action == "edit" and edit_form.is_valid():
        for field, value in edit_form.cleaned_data.items():
            setattr(assembly, field, value)
        assembly.save()
        messages.success(request, "Assemblée générale enregistrée.")
        return back
    journal.record(journal.Action.READ, assembly, fields=["attendance.name"], note=f"{len(present)} présent(s)")
    context = {
        "cpts": cpts,
        "assembly": assembly,
        "present": present,
        "quorum": assembly.quorum_info(present=len(present)),
        "coordinator": coordinator,
        "attendance_form": attendance_form,
        "edit_form": edit_form,
        "title": f"{assembly} — {cpts.name}",
        "breadcrumb_data": governance_breadcrumb(cpts, str(assembly), assemblies_link(cpts)),
    }
    return render(request, "governance/assembly.html", context)
