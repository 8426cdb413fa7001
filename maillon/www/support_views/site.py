"""The coordinator writes the texts of the CPTS's public page (mission 6, « son petit site »):
its presentation, the patients' contact (the CPTS's single number, e-mail, hours), how to join,
and whether the page shows the CPTS's ads. The rest of the page comes from the product (the
project's missions and actions, the ACI's missions, the public sessions, the territory).

`policies.can_edit_site`: the coordinators of a CPTS that is not dissolved (404 for who has no
role in the CPTS, 403 for a member)."""

from django.shortcuts import redirect, render
from django.urls import reverse

from maillon.core.policies import ensure_allowed
from maillon.support import policies, selectors

from ..space import allow, save_form
from . import page
from .forms_ads import SiteForm
from .home import require_support, support_breadcrumb

SITE_TITLE = "Modifier la page publique"


@page("site/modifier/")
@allow("GET", "POST", check=require_support)
def site_edit(request, cpts_slug):
    cpts, user = request.cpts, request.user
    ensure_allowed(policies.can_edit_site(user, cpts))
    site = selectors.site_of(cpts)
    form = SiteForm(request.POST or None, site=site)

    def write():
        for name in SiteForm.FIELDS:
            setattr(site, name, form.cleaned_data[name])
        site.updated_by = user
        site.full_clean()
        site.save()

    done = "Page publique enregistrée : les visiteurs la voient déjà."
    if request.method == "POST" and save_form(request, form, write, done):
        return redirect("cpts_detail", cpts_slug=cpts.slug)
    context = {
        "cpts": cpts,
        "form": form,
        "site": site,
        "public_url": reverse("cpts_detail", args=[cpts.slug]),
        "title": f"{SITE_TITLE} — {cpts.name}",
        "breadcrumb_data": support_breadcrumb(cpts, SITE_TITLE),
    }
    return render(request, "support/site/edit.html", context, status=400 if form.errors else 200)
