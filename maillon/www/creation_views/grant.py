"""The start-up grant of the ARS: its decision (amount from the regional setting, conditions,
payment dates) recorded by an ARS authority over the CPTS, who also marks each payment paid; what
the CPTS spent it on, line by line, recorded by its coordinators; the totals paid, spent and
left. Read by the coordinators and the authorities and observers of the territory."""

from collections import defaultdict
from decimal import Decimal

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from maillon.contracts.funding import euros
from maillon.creation import selectors, services
from maillon.creation.models import GrantPayment, GrantSpending, SpendingCategory, StartupGrant
from maillon.territories.models import Commune

from ..space import allow, save_form
from . import page
from .forms import MAX_PAYMENTS, GrantForm, GrantSpendingForm, PaidForm, payment_rows_for
from .project_common import creation_context, ensure_allowed, grant_link, policies, require_grant

GRANT = "Subvention de démarrage"
TOO_MANY_PAYMENTS = (
    "Versements prévus : plus de {max} versements restent à faire ({count}) ; cette page n'en montre que "
    "{max} et n'en efface aucun. Enregistrez d'abord les versements faits, ou passez par l'API."
)


def region_of_cpts(cpts) -> str | None:
    """The région of the CPTS: the one its accepted lettre d'intention was filed in, else the one
    holding most of its current territory's population."""
    letter_region = cpts.letters.values_list("region_id", flat=True).first()
    if letter_region:
        return letter_region
    communes = list(
        Commune.objects.filter(territory_rows__cpts=cpts, territory_rows__valid_to__isnull=True).select_related(
            "departement"
        )
    )
    return services.region_of(communes) if communes else None


def grant_of(cpts) -> StartupGrant | None:
    return StartupGrant.objects.for_cpts(cpts).first()


def grant_summary(grant) -> dict:
    """Amount, paid, spent and left (amount − spent) of a grant, in euros the French way; a few
    queries whatever the number of lines (the finances page shows it too)."""
    payments = list(grant.payments.all())
    spendings = list(grant.spendings.all())
    for row in (*payments, *spendings):
        row.amount_label = euros(row.amount)
    totals = selectors.grant_totals(grant)
    return {
        "amount": euros(totals.amount),
        "paid": euros(totals.paid),
        "spent": euros(totals.spent),
        "left": euros(totals.left),
        "unpaid": euros(totals.unpaid),
        "payments": payments,
        "spendings": spendings,
    }


def by_category(spendings) -> list[dict]:
    totals: dict = defaultdict(Decimal)
    for spending in spendings:
        totals[spending.category] += spending.amount
    return [
        {"label": label, "total": euros(totals[code])} for code, label in SpendingCategory.choices if code in totals
    ]


def grant_page(request, *, spending_form=None, paid_forms=None):
    """The grant, its payments and spending, with the forms of the user; `spending_form` or one
    of `paid_forms` (payment pk → form) bound to a refused POST, shown with its errors."""
    cpts, user = request.cpts, request.user
    grant = grant_of(cpts)
    can_record = policies.can_record_grant(user, cpts)
    can_spend = policies.can_record_spending(user, cpts) and grant is not None
    summary = grant_summary(grant) if grant else None
    paid_forms = paid_forms or {}
    if summary and can_record:
        today = timezone.localdate()
        for payment in summary["payments"]:
            if payment.paid_on is None:
                payment.paid_form = paid_forms.get(payment.pk) or PaidForm(
                    prefix=f"p{payment.pk}", initial={"paid_on": min(payment.due_on, today)}
                )
    context = creation_context(
        request,
        GRANT,
        GRANT,
        GRANT,
        grant=grant,
        summary=summary,
        categories=by_category(summary["spendings"]) if summary else [],
        can_record=can_record,
        can_spend=can_spend,
        spending_form=(spending_form or GrantSpendingForm(prefix="dep")) if can_spend else None,
        posted_paid_form=next(iter(paid_forms.values()), None),
    )
    has_errors = (spending_form is not None and spending_form.errors) or any(
        form.errors for form in paid_forms.values()
    )
    return render(request, "creation/grant.html", context, status=400 if has_errors else 200)


@page("creation/subvention/")
@allow("GET", check=require_grant)
def creation_grant(request, cpts_slug):
    return grant_page(request)


def record_initial(cpts, grant, unpaid) -> dict:
    """The form as the decision stands: a row for every payment not yet paid (the decision
    replaces them all: a payment left out of the form would be deleted)."""
    if grant is None:
        amount = services.grant_amount_for(region_of_cpts(cpts))
        return {"amount": amount, "decided_on": timezone.localdate()}
    initial = {"amount": grant.amount, "decided_on": grant.decided_on, "conditions": grant.conditions}
    for index, payment in enumerate(unpaid, start=1):
        initial |= {f"payment_{index}_on": payment.due_on, f"payment_{index}_amount": payment.amount}
    return initial


@page("creation/subvention/decision/")
@allow("GET", "POST", check=require_grant)
def creation_grant_record(request, cpts_slug):
    cpts, user = request.cpts, request.user
    ensure_allowed(policies.can_record_grant(user, cpts), "Seule une autorité de l'ARS enregistre la subvention.")
    grant = grant_of(cpts)
    payments = list(grant.payments.all()) if grant else []
    unpaid = [payment for payment in payments if payment.paid_on is None]
    too_many = len(unpaid) > MAX_PAYMENTS
    form = None
    if not too_many:
        form = GrantForm(
            request.POST or None, initial=record_initial(cpts, grant, unpaid), rows=payment_rows_for(len(unpaid))
        )

    def write():
        data = form.cleaned_data
        return services.record_grant(
            cpts,
            by=user,
            amount=data["amount"],
            decided_on=data["decided_on"],
            conditions=data["conditions"],
            payments=data["payments"],
        )

    if form and request.method == "POST" and save_form(request, form, write, "Subvention de démarrage enregistrée."):
        return redirect("creation_grant", cpts_slug=cpts.slug)
    paid = [payment for payment in payments if payment.paid_on]
    for payment in paid:
        payment.amount_label = euros(payment.amount)
    setting = services.grant_amount_for(region_of_cpts(cpts))
    context = creation_context(
        request,
        "Décision de subvention",
        GRANT,
        "Décision",
        grant_link(cpts),
        form=form,
        grant=grant,
        paid=paid,
        setting=euros(setting) if setting else None,
        refusal=TOO_MANY_PAYMENTS.format(max=MAX_PAYMENTS, count=len(unpaid)) if too_many else "",
    )
    status = 409 if too_many and request.method == "POST" else 400 if form and form.errors else 200
    return render(request, "creation/grant_record.html", context, status=status)


@page("creation/subvention/versements/<int:pk>/verse/")
@allow("POST", check=require_grant)
def creation_grant_payment_paid(request, cpts_slug, pk):
    cpts, user = request.cpts, request.user
    payment = get_object_or_404(GrantPayment.objects.filter(grant__cpts=cpts), pk=pk)
    ensure_allowed(policies.can_record_grant(user, cpts), "Seule une autorité de l'ARS enregistre un versement.")
    form = PaidForm(request.POST, prefix=f"p{payment.pk}")

    def write():
        return services.mark_paid(payment, by=user, paid_on=form.cleaned_data["paid_on"])

    done = f"Versement du {payment.due_on:%d/%m/%Y} enregistré comme versé."
    if save_form(request, form, write, done):
        return redirect("creation_grant", cpts_slug=cpts.slug)
    return grant_page(request, paid_forms={payment.pk: form})


@page("creation/subvention/depenses/")
@allow("POST", check=require_grant)
def creation_grant_spending_add(request, cpts_slug):
    cpts, user = request.cpts, request.user
    ensure_allowed(policies.can_record_spending(user, cpts), "Seule la coordination enregistre les dépenses.")
    grant = get_object_or_404(StartupGrant.objects.for_cpts(cpts))
    form = GrantSpendingForm(request.POST, prefix="dep")

    def write():
        return services.record_spending(grant, by=user, **form.cleaned_data)

    if save_form(request, form, write, lambda spending: f"Dépense « {spending.label} » enregistrée."):
        return redirect("creation_grant", cpts_slug=cpts.slug)
    return grant_page(request, spending_form=form)


@page("creation/subvention/depenses/<int:pk>/supprimer/")
@allow("POST", check=require_grant)
def creation_grant_spending_delete(request, cpts_slug, pk):
    cpts, user = request.cpts, request.user
    spending = get_object_or_404(GrantSpending.objects.filter(grant__cpts=cpts), pk=pk)
    ensure_allowed(policies.can_record_spending(user, cpts), "Seule la coordination supprime une dépense.")
    label = spending.label
    services.delete_spending(spending, by=user)
    messages.success(request, f"Dépense « {label} » supprimée.")
    return redirect("creation_grant", cpts_slug=cpts.slug)
