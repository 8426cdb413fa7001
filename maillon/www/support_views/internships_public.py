"""« Faire son stage ici »: the public page of a CPTS for students (no login).

What is open: the placements open to applications (level, period, the supervisor's profession
and commune of practice — never the supervisor's name or contact), the housing proposed with its
free rooms over the coming months (its commune, rooms and rent — never its address nor its
contact), and an application form without an account (`services.apply`), to a placement or
spontaneous. The form goes through `public_request_page`: throttled per address, a trap for
robots (same answer, nothing written), nothing accepted by a dissolved CPTS, and the same page
says « sent » (`?envoyee=1`) with nothing personal in the URL."""

import datetime

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from maillon.members.models import PracticePlace
from maillon.support import selectors, services
from maillon.support.models import Housing, Placement

from ..public_views.public_request import public_request_page
from ..space import add_errors
from ..toolkit.navigation import breadcrumb
from . import page
from .forms_training import ApplicationForm, open_placements
from .housing import month_name, shift

SENT_PARAMETER = "envoyee"
MONTHS_SHOWN = 3
PAGE_TITLE = "Faire son stage ici"


def practice_commune(professional) -> str:
    """The commune of the professional's main practice place ("" without one)."""
    places = list(professional.practice_places.all()) if professional else []
    return places[0].commune.name if places else ""


def placement_rows(cpts) -> list[Placement]:
    """The open placements, each with its supervisor's profession and commune of practice."""
    places = Prefetch(
        "supervisor__membership__professional__practice_places",
        queryset=PracticePlace.objects.select_related("commune").order_by("-is_main", "pk"),
    )
    rows = list(open_placements(cpts).prefetch_related(places))
    for placement in rows:
        professional = placement.supervisor.professional
        placement.profession = placement.supervisor.profession_label
        placement.commune_name = practice_commune(professional)
    return rows


def months_ahead(today: datetime.date, count: int) -> list[tuple[datetime.date, datetime.date]]:
    """[start, end) of the rest of this month and of the `count` - 1 following months."""
    first = today.replace(day=1)
    months = [(max(shift(first, n), today), shift(first, n + 1)) for n in range(count)]
    return [(start, end) for start, end in months if start < end]


def availability(free, today) -> list[dict]:
    """For each coming month: the fewest and the most rooms free over its nights (`free`: the
    housing's {night: free rooms})."""
    rows = []
    for month_start, month_end in months_ahead(today, MONTHS_SHOWN):
        nights = [rooms for night, rooms in free.items() if month_start <= night < month_end]
        rows.append({"name": month_name(month_start), "least": min(nights), "most": max(nights)})
    return rows


def housing_rows(cpts, today) -> list[Housing]:
    rows = list(Housing.objects.for_cpts(cpts).available().select_related("commune").order_by("commune__name", "name"))
    free = selectors.nightly_free_rooms(rows, today, shift(today.replace(day=1), MONTHS_SHOWN))
    for housing in rows:
        housing.months = availability(free[housing.pk], today)
    return rows


def send(form, cpts) -> bool:
    try:
        services.apply(cpts=cpts, **form.application_fields())
    except ValidationError as error:
        add_errors(form, error)
        return False
    return True


def chosen_placement(request, placements) -> str:
    """The placement a « Candidater » link names (`?stage=<pk>`), if it is open."""
    wanted = str(request.GET.get("stage", ""))
    return wanted if wanted in {str(placement.pk) for placement in placements} else ""


@page("faire-son-stage-ici/")
def internships_public(request, cpts_slug):
    cpts = request.cpts
    today = timezone.localdate()
    placements = placement_rows(cpts)
    context = {
        "placements": placements,
        "housings": housing_rows(cpts, today) if request.GET.get(SENT_PARAMETER) != "1" else [],
        "title": f"{PAGE_TITLE} — {cpts.name}",
        "breadcrumb_data": breadcrumb(PAGE_TITLE, (cpts.name, reverse("cpts_detail", args=[cpts.slug]))),
    }
    initial = {"placement": chosen_placement(request, placements)}
    return public_request_page(
        request,
        "internships_public",
        SENT_PARAMETER,
        context,
        templates=("support/training/internships_public.html", "support/training/internships_public_sent.html"),
        form_of=lambda page_url: ApplicationForm(
            request.POST or None, cpts=cpts, placements=placements, initial=initial
        ),
        submit=lambda form: send(form, cpts),
    )
