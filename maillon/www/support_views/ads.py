"""The ads of a CPTS in its members' space (mission 6): practice for sale, premises, replacement,
collaboration, salaried post, intern housing.

Any role writes an ad (`services.submit_ad`): a coordinator's is published at once, a member's
waits for the coordinators, who publish or refuse it with a reason. The author or a coordinator
marks it « pourvue » or withdraws it; its author changes it while it waits, a coordinator while
it waits or is published (`services.edit_ad`). A published ad whose expiry date has passed is
shown as expired: the public search no longer lists it.

Who sees what is `maillon.support.policies.visible_ads` (the coordinators every ad of the CPTS,
first the ones to moderate; a member their own and the published ones); each action is posted
to its own address: 404 for an ad the user does not see, 403 for an action that is not theirs."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from maillon.core.policies import ensure_allowed, is_coordinator
from maillon.support import policies, services
from maillon.support.models import Ad, AdStatus

from ..space import action_view, allow, save_form
from ..toolkit.communes import commune_suggestions
from . import page
from .ads_public import stamped
from .forms_ads import AdForm, RefuseForm
from .home import require_support, support_breadcrumb

PAGE_SIZE = 50
ADS_TITLE = "Annonces de la CPTS"
# The tabs of the list: (value of ?etat=, label); "" = the ads under way (waiting or published).
TABS = [
    ("", "En cours"),
    (AdStatus.FILLED, "Pourvues"),
    (AdStatus.WITHDRAWN, "Retirées"),
    (AdStatus.REFUSED, "Refusées"),
]
UNDER_WAY = (AdStatus.SUBMITTED, AdStatus.PUBLISHED)


def ads_link(cpts) -> tuple[str, str]:
    return (ADS_TITLE, reverse("ad_list", args=[cpts.slug]))


def ad_label(ad) -> str:
    return f"Annonce n° {ad.pk}"


def listed_ads(rows):
    """The columns a list shows (the commune without its contour, the author)."""
    return rows.select_related("commune", "author").defer("commune__contour")


# --- The list ----------------------------------------------------------------------------------


@page("accompagnement/annonces/")
@allow("GET", check=require_support)
def ad_list(request, cpts_slug):
    cpts, user = request.cpts, request.user
    state = str(request.GET.get("etat", ""))
    state = state if state in {value for value, _ in TABS} else ""
    visible = policies.visible_ads(user, cpts)
    manager = policies.can_manage_support(user, cpts)
    # The coordinators' queue comes first, the oldest first: authors wait for it.
    queue = list(listed_ads(visible.to_moderate()).order_by("created_at", "pk")) if manager else []
    rows = visible.filter(status__in=UNDER_WAY) if not state else visible.filter(status=state)
    if manager and not state:
        rows = rows.exclude(status=AdStatus.SUBMITTED)  # already above, in the queue
    listed = Paginator(listed_ads(rows).order_by("-created_at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "cpts": cpts,
        "queue": queue,
        "manager": manager,
        "coordinator": is_coordinator(user, cpts),
        "page": listed,
        "ads": list(listed.object_list),
        "state": state,
        "tabs": TABS,
        "caption": dict(TABS)[state],
        "query": f"etat={state}" if state else "",
        "may_submit": policies.can_submit_ad(user, cpts),
        "title": f"{ADS_TITLE} — {cpts.name}",
        "breadcrumb_data": support_breadcrumb(cpts, "Annonces"),
    }
    return render(request, "support/ads/list.html", context)


# --- Writing an ad -----------------------------------------------------------------------------


def form_page(request, form, *, heading, post_to, cancel_url, crumbs, ad=None):
    cpts = request.cpts
    context = {
        "cpts": cpts,
        "ad": ad,
        "form": form,
        "heading": heading,
        "post_to": post_to,
        "cancel_url": cancel_url,
        "coordinator": is_coordinator(request.user, cpts),
        "title": f"{heading} — {cpts.name}",
        "breadcrumb_data": crumbs,
    }
    return render(request, "support/ads/form.html", context, status=400 if form.errors else 200)


def submitted(ad) -> str:
    if ad.status == AdStatus.PUBLISHED:
        return "Annonce publiée : la recherche publique des annonces la montre jusqu'à sa date d'expiration."
    return "Annonce envoyée : la coordination de la CPTS la relit avant de la publier."


@page("accompagnement/annonces/nouvelle/")
@allow("GET", "POST", check=require_support)
def ad_create(request, cpts_slug):
    cpts = request.cpts
    ensure_allowed(policies.can_submit_ad(request.user, cpts))
    page_url = reverse("ad_create", args=[cpts.slug])
    suggestions = commune_suggestions(request, search_url=page_url)
    if suggestions is not None:
        return suggestions
    form = AdForm(request.POST or None, search_url=page_url)
    written = []

    def write():
        written.append(services.submit_ad(cpts=cpts, by=request.user, **form.ad_fields()))
        return written[0]

    if request.method == "POST" and save_form(request, form, write, submitted):
        return redirect("ad_detail", cpts_slug=cpts.slug, pk=written[0].pk)
    return form_page(
        request,
        form,
        heading="Publier une annonce",
        post_to=page_url,
        cancel_url=reverse("ad_list", args=[cpts.slug]),
        crumbs=support_breadcrumb(cpts, "Nouvelle annonce", ads_link(cpts)),
    )


def ad_or_404(request, pk) -> Ad:
    ads = policies.visible_ads(request.user, request.cpts).select_related("commune", "author")
    return get_object_or_404(ads, pk=pk)


@page("accompagnement/annonces/<int:pk>/modifier/")
@allow("GET", "POST", check=require_support)
def ad_edit(request, cpts_slug, pk):
    cpts = request.cpts
    ad = ad_or_404(request, pk)
    ensure_allowed(policies.can_edit_ad(request.user, ad))
    page_url = reverse("ad_edit", args=[cpts.slug, ad.pk])
    suggestions = commune_suggestions(request, search_url=page_url)
    if suggestions is not None:
        return suggestions
    form = AdForm(request.POST or None, ad=ad, search_url=page_url)

    def write():
        return services.edit_ad(ad, by=request.user, **form.ad_fields())

    if request.method == "POST" and save_form(request, form, write, "Annonce enregistrée."):
        return redirect("ad_detail", cpts_slug=cpts.slug, pk=ad.pk)
    detail_url = reverse("ad_detail", args=[cpts.slug, ad.pk])
    return form_page(
        request,
        form,
        heading=f"Modifier l'annonce « {ad.title} »",
        post_to=page_url,
        cancel_url=detail_url,
        crumbs=support_breadcrumb(cpts, "Modifier", ads_link(cpts), (ad_label(ad), detail_url)),
        ad=ad,
    )


# --- One ad ------------------------------------------------------------------------------------


def may_on(user, ad) -> dict:
    """What the page offers this user on this ad, from the policies."""
    close = policies.can_close_ad(user, ad)
    return {
        "edit": policies.can_edit_ad(user, ad),
        "moderate": policies.can_moderate_ad(user, ad),
        "fill": close and ad.status == AdStatus.PUBLISHED,  # the workflow fills a published ad only
        "withdraw": close,
    }


def ad_page(request, ad, *, errors=(), refuse_form=None, status=None):
    """The ad, the CPTS it is stamped with and what the user may do of it; after a refused
    action, with its messages or the posted form (400)."""
    cpts, user = request.cpts, request.user
    may = may_on(user, ad)
    if may["moderate"] and refuse_form is None:
        refuse_form = RefuseForm(auto_id="id_refuse-%s")
    failed = bool(errors) or bool(refuse_form is not None and refuse_form.errors)
    context = {
        "cpts": cpts,
        "ad": ad,
        "row": stamped([ad])[0],
        "may": may,
        "mine": policies.is_author(user, ad),
        "refuse_form": refuse_form if may["moderate"] else None,
        "errors": list(errors),
        "title": f"{ad.title} — {cpts.name}",
        "breadcrumb_data": support_breadcrumb(cpts, ad_label(ad), ads_link(cpts)),
    }
    return render(request, "support/ads/detail.html", context, status=status or (400 if failed else 200))


@page("accompagnement/annonces/<int:pk>/")
@allow("GET", check=require_support)
def ad_detail(request, cpts_slug, pk):
    return ad_page(request, ad_or_404(request, pk))


def back_to_ad(request, ad):
    return redirect("ad_detail", cpts_slug=request.cpts.slug, pk=ad.pk)


def ad_action(policy):
    """One action on an ad (`space.action_view`): 404 for an ad the user does not see, 403
    unless `policy(user, ad)`; a refusal of the workflow is said on the ad's page (400)."""

    def find(request, cpts_slug, pk):
        ad = ad_or_404(request, pk)
        ensure_allowed(policy(request.user, ad))
        return ad

    return action_view(check=require_support, find=find, page=ad_page, back=back_to_ad)


@page("accompagnement/annonces/<int:pk>/publier/")
@ad_action(policies.can_moderate_ad)
def ad_publish(request, ad):
    ad.publish(by=request.user)
    messages.success(request, "Annonce publiée : la recherche publique des annonces la montre.")


@page("accompagnement/annonces/<int:pk>/refuser/")
@ad_action(policies.can_moderate_ad)
def ad_refuse(request, ad):
    form = RefuseForm(request.POST, auto_id="id_refuse-%s")

    def refuse():
        ad.refuse(by=request.user, note=form.cleaned_data["note"])

    if not save_form(request, form, refuse, "Annonce refusée : son auteur reçoit le motif."):
        return ad_page(request, ad, refuse_form=form)
    return None


@page("accompagnement/annonces/<int:pk>/pourvue/")
@ad_action(policies.can_close_ad)
def ad_fill(request, ad):
    ad.fill(by=request.user)
    messages.success(request, "Annonce marquée comme pourvue : elle n'est plus montrée au public.")


@page("accompagnement/annonces/<int:pk>/retirer/")
@ad_action(policies.can_close_ad)
def ad_withdraw(request, ad):
    ad.withdraw(by=request.user)
    messages.success(request, "Annonce retirée : elle n'est plus montrée au public.")
