"""The cotisations of a year (coordinators): one amount for every active member,
payments recorded in bulk, and the totals expected and received."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.contrib import messages
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.shortcuts import redirect, render
from django.urls import reverse

from maillon.members.models import Fee, Membership, MembershipStatus

from ...space import allow, posted_action
from .. import page
from .common import journal_summary, members_link, require_coordinator, space_breadcrumb
from .forms import FeeAmountForm, FeePaymentForm, YearForm
from .member_list import BY_NAME
from .writes import mark_fees, set_fees_for_year

SHOWN_FIELDS = ["first_name", "last_name", "name", "college", "year", "amount", "paid_on"]


@dataclass(frozen=True)
class Totals:
    members: int
    fees: int
    paid: int
    expected: Decimal
    received: Decimal

    @property
    def outstanding(self) -> Decimal:
        return self.expected - self.received


def memberships_of_year(cpts, year):
    """Adhesions in force at some point of `year`, and any with a cotisation that year."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    during = (
        Q(status__in=[MembershipStatus.ACTIVE, MembershipStatus.LEFT])
        & (Q(joined_on__isnull=True) | Q(joined_on__lte=end))
        & (Q(left_on__isnull=True) | Q(left_on__gte=start))
    )
    has_fee = Exists(Fee.objects.filter(membership=OuterRef("pk"), year=year))
    return (
        Membership.objects.for_cpts(cpts)
        .filter(during | has_fee)
        .select_related("professional", "structure", "college")
        .prefetch_related(Prefetch("fees", queryset=Fee.objects.filter(year=year), to_attr="fees_of_year"))
        .order_by(*BY_NAME)
    )


def totals_of(rows) -> Totals:
    fees = [membership.fees_of_year[0] for membership in rows if membership.fees_of_year]
    return Totals(
        members=len(rows),
        fees=len(fees),
        paid=sum(1 for fee in fees if fee.is_paid),
        expected=sum((fee.amount for fee in fees), Decimal(0)),
        received=sum((fee.amount for fee in fees if fee.is_paid), Decimal(0)),
    )


def fee_years(cpts) -> list[int]:
    return list(Fee.objects.filter(membership__cpts=cpts).values_list("year", flat=True).distinct().order_by())


@page("cotisations/")
@allow("GET", "POST", check=require_coordinator)
def members_fees(request, cpts_slug):
    cpts = request.cpts
    years = fee_years(cpts)
    year = YearForm(request.POST or request.GET, years=years).year()
    action = posted_action(request, True, {"amount", "mark_paid", "mark_unpaid"})
    amount_form = FeeAmountForm(request.POST if action == "amount" else None, prefix="amount")
    rows = list(memberships_of_year(cpts, year))
    fee_ids = [membership.fees_of_year[0].pk for membership in rows if membership.fees_of_year]
    payment_data = request.POST if action in {"mark_paid", "mark_unpaid"} else None
    payment_form = FeePaymentForm(payment_data, prefix="pay", fee_ids=fee_ids, mark_paid=action != "mark_unpaid")
    if action == "amount" and amount_form.is_valid():
        data = amount_form.cleaned_data
        run = set_fees_for_year(cpts, year=year, amount=data["amount"], update_unpaid=data["update_unpaid"])
        messages.success(request, f"Cotisations {year} : {run.created} créée(s), {run.updated} mise(s) à jour.")
        return redirect_to_year(cpts, year)
    if payment_data is not None and payment_form.is_valid():
        paid_on = payment_form.cleaned_data["paid_on"] if action == "mark_paid" else None
        changed = mark_fees(cpts, year=year, fee_ids=payment_form.cleaned_data["fees"], paid_on=paid_on)
        state = "payée(s)" if paid_on else "non payée(s)"
        messages.success(request, f"{changed} cotisation(s) {year} marquée(s) {state}.")
        return redirect_to_year(cpts, year)
    journal_summary(cpts, "members.Fee", SHOWN_FIELDS, f"Cotisations {year} : {len(rows)} adhésion(s) affichée(s)")
    context = {
        "cpts": cpts,
        "year": year,
        "year_form": YearForm(initial={"annee": year}, years=years),
        "amount_form": amount_form,
        "payment_form": payment_form,
        "rows": rows,
        "totals": totals_of(rows),
        "active_count": sum(1 for membership in rows if membership.status == MembershipStatus.ACTIVE),
        "title": f"Cotisations {year} — {cpts.name}",
        "breadcrumb_data": space_breadcrumb(cpts, "Cotisations", members_link(cpts)),
    }
    return render(request, "members/adhesion/fees.html", context)


def redirect_to_year(cpts, year):
    return redirect(f"{reverse('members_fees', args=[cpts.slug])}?annee={year}")
