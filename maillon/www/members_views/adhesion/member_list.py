"""The members of the CPTS for its coordinators: requests, members, former members.

A fixed number of queries whatever the number of rows; each view is journaled
(a count, never a name).
"""

from dataclasses import dataclass

from django import forms
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch
from django.db.models.functions import Coalesce
from django.shortcuts import render

from maillon.members.models import College, Fee, Membership, MembershipStatus

from ...space import allow
from ...toolkit.forms import MaillonForm
from .. import page
from .common import current_year, journal_summary, require_coordinator, space_breadcrumb

PAGE_SIZE = 50


@dataclass(frozen=True)
class Tab:
    key: str
    status: str
    label: str
    ordering: tuple


BY_NAME = (Coalesce("professional__last_name", "structure__name"), "professional__first_name", "pk")
TABS = [
    Tab("demandes", MembershipStatus.REQUESTED, "Demandes en attente", ("-requested_at", "pk")),
    Tab("adherents", MembershipStatus.ACTIVE, "Adhérents", BY_NAME),
    Tab("anciens", MembershipStatus.LEFT, "Anciens adhérents", ("-left_on", *BY_NAME)),
    Tab("refusees", MembershipStatus.REFUSED, "Demandes refusées", ("-decided_at", "pk")),
]
TABS_BY_KEY = {tab.key: tab for tab in TABS}
NO_COLLEGE = "aucun"
# What the list shows of each member, for the journal.
LIST_FIELDS = [
    "first_name",
    "last_name",
    "profession",
    "specialty",
    "name",
    "kind",
    "college",
    "involvement",
    "requested_at",
    "joined_on",
    "left_on",
    "fees",
]


class ListFilterForm(MaillonForm):
    etat = forms.ChoiceField(required=False, choices=[(tab.key, tab.label) for tab in TABS], widget=forms.HiddenInput)
    college = forms.ChoiceField(label="Collège", required=False)
    type = forms.ChoiceField(
        label="Type de membre",
        required=False,
        choices=[("", "Tous"), ("professionnel", "Professionnels de santé"), ("structure", "Structures")],
    )
    cotisation = forms.ChoiceField(label="Cotisation", required=False)

    def __init__(self, *args, cpts, colleges, year, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["college"].choices = [
            ("", "Tous les collèges"),
            *[(str(college.pk), college.name) for college in colleges],
            (NO_COLLEGE, "Sans collège"),
        ]
        self.fields["cotisation"].choices = [
            ("", "Toutes"),
            ("payee", f"Cotisation {year} payée"),
            ("non_payee", f"Cotisation {year} non payée ou non saisie"),
        ]

    def value(self, name) -> str:
        return self.cleaned_data.get(name, "") if self.is_valid() else ""

    def tab(self, counts) -> Tab:
        key = self.value("etat")
        if key in TABS_BY_KEY:
            return TABS_BY_KEY[key]
        # A coordinator's first task: the requests waiting for them, if any.
        return TABS[0] if counts.get(MembershipStatus.REQUESTED) else TABS[1]


def status_counts(cpts) -> dict[str, int]:
    rows = Membership.objects.for_cpts(cpts).values_list("status").annotate(count=Count("pk")).order_by()
    return dict(rows)


def filtered(cpts, tab, filters, year):
    queryset = Membership.objects.for_cpts(cpts).filter(status=tab.status)
    college = filters.value("college")
    if college == NO_COLLEGE:
        queryset = queryset.filter(college__isnull=True)
    elif college:
        queryset = queryset.filter(college_id=int(college))
    kind = filters.value("type")
    if kind:
        queryset = queryset.filter(**{f"{kind.replace('professionnel', 'professional')}__isnull": False})
    paid = Fee.objects.filter(membership=OuterRef("pk"), year=year, paid_on__isnull=False)
    if filters.value("cotisation") == "payee":
        queryset = queryset.filter(Exists(paid))
    elif filters.value("cotisation") == "non_payee":
        queryset = queryset.exclude(Exists(paid))
    return (
        queryset.select_related("professional", "structure", "college")
        .prefetch_related(Prefetch("fees", queryset=Fee.objects.filter(year=year), to_attr="fees_of_year"))
        .order_by(*tab.ordering)
    )


def tab_links(tabs, counts, current, filters) -> list[dict]:
    """Each tab's link keeps the filters, and restarts at page 1."""
    params = {name: filters.value(name) for name in ("college", "type", "cotisation") if filters.value(name)}
    links = []
    for tab in tabs:
        query = "&".join(f"{key}={value}" for key, value in {"etat": tab.key, **params}.items())
        links.append({"tab": tab, "count": counts.get(tab.status, 0), "current": tab == current, "query": query})
    return links


@page("membres/")
@allow("GET", "HEAD", check=require_coordinator)
def members_list(request, cpts_slug):
    cpts = request.cpts
    year = current_year()
    counts = status_counts(cpts)
    colleges = list(College.objects.for_cpts(cpts))
    filters = ListFilterForm(request.GET, cpts=cpts, colleges=colleges, year=year)
    tab = filters.tab(counts)
    paginator = Paginator(filtered(cpts, tab, filters, year), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    page.pages_list = list(paginator.get_elided_page_range(page.number))
    shown = f"{tab.label} : {len(page.object_list)} adhésion(s) affichée(s) sur {paginator.count}"
    journal_summary(cpts, "members.Membership", LIST_FIELDS, shown)
    context = {
        "cpts": cpts,
        "filters": filters,
        "tab": tab,
        "tabs": tab_links(TABS, counts, tab, filters),
        "page": page,
        "year": year,
        "total": sum(counts.values()),
        "title": f"Membres — {cpts.name}",
        "breadcrumb_data": space_breadcrumb(cpts, "Membres"),
    }
    return render(request, "members/adhesion/list.html", context)
