"""The ARS's lettres d'intention: the list of its régions' letters, a letter's detail, and the three
decisions (ask for more, accept, refuse).

- Seen by the ARS officers of the letter's région only (`creation.policies`): anyone else — the
  platform admin, the CPAM, another région's ARS — gets 404 as for a missing letter. Decided by the
  ARS authorities: an officer who only observes gets 403 on the actions.
- Every read of a letter's detail by an officer goes to the journal (the promoters' names and contacts).
- The detail shows the draft territory on the map (as the territory editor draws it), the communes
  taken by a CPTS since the filing, and the other open letters sharing communes with it.
- Accepting creates the CPTS (`services.accept_letter`); a commune taken meanwhile refuses it all,
  naming the other CPTS, and a name already used is said on the name: nothing is written. Every
  refusal of the domain is said on the page (400), never a 500.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Case, Count, IntegerField, Value, When
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from maillon.core import journal
from maillon.core.policies import ensure_allowed, ensure_visible
from maillon.creation import policies, services
from maillon.creation.models import OPEN_LETTER_STATUSES, LetterCommune, LetterOfIntent, LetterStatus
from maillon.territories.selectors import neighbourhood_geojson
from maillon.territories.services import find_conflicts
from maillon.territories.taille import taille_for_population

from ..space import add_errors, allow
from ..toolkit.navigation import breadcrumb
from . import page
from .letter_common import STATUS_BADGES, letter_context
from .letter_forms import AcceptForm, RefuseForm, RequestForm

LIST_TITLE = "Lettres d'intention"
STATUS_PARAMETER = "etat"
# What an officer reads on the detail page: journaled.
READ_FIELDS = ["project_name", "needs", "contact_name", "contact_email", "contact_phone", "promoters", "communes"]
# Waiting for the ARS first, then waiting for the promoters, then decided.
STATUS_ORDER = Case(
    When(status=LetterStatus.SUBMITTED, then=Value(0)),
    When(status=LetterStatus.INFORMATION_REQUESTED, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def require_officer(request):
    """404 unless the user is an ARS officer of some région."""
    ensure_visible(policies.can_see_letters(request.user))


def find_letter(request, pk) -> LetterOfIntent:
    letters = policies.visible_letters(request.user).select_related("region", "cpts")
    return get_object_or_404(letters, pk=pk)


@page("")
@allow("GET", check=require_officer)
def creation_letters(request):
    visible = policies.visible_letters(request.user)
    chosen = request.GET.get(STATUS_PARAMETER, "")
    if chosen not in LetterStatus.values:
        chosen = ""
    counts = dict(visible.order_by().values_list("status").annotate(count=Count("pk")))
    letters = visible.filter(status=chosen) if chosen else visible
    letters = (
        letters.select_related("region")
        .annotate(commune_count=Count("communes"), status_rank=STATUS_ORDER)
        .order_by("status_rank", "-submitted_at", "-pk")
    )
    rows = [
        {
            "letter": letter,
            "taille": taille_for_population(letter.population),
            "badge": STATUS_BADGES.get(letter.status, "fr-badge--info"),
        }
        for letter in letters
    ]
    filters = [("", "Toutes", sum(counts.values()))] + [
        (status.value, status.label, counts.get(status.value, 0)) for status in LetterStatus
    ]
    context = {
        "rows": rows,
        "filters": filters,
        "chosen": chosen,
        "chosen_label": LetterStatus(chosen).label if chosen else "",
        "list_url": reverse("creation_letters"),
        "status_parameter": STATUS_PARAMETER,
        "title": LIST_TITLE,
        "breadcrumb_data": breadcrumb(LIST_TITLE, ("Mon accueil", reverse("my_home"))),
    }
    return render(request, "creation/letter_list.html", context)


def overlapping_letters(request, letter, codes):
    """The other open letters the officer sees holding some of these communes, with the communes
    they share. Nothing is said of the letters the officer may not see (another région's)."""
    seen = policies.visible_letters(request.user).filter(status__in=OPEN_LETTER_STATUSES).exclude(pk=letter.pk)
    shared = (
        LetterCommune.objects.filter(commune_id__in=codes, letter__in=seen)
        .select_related("commune")
        .order_by("letter_id", "commune__name")
    )
    by_letter: dict[int, list[str]] = {}
    for row in shared:
        by_letter.setdefault(row.letter_id, []).append(f"{row.commune.name} ({row.commune_id})")
    others = seen.filter(pk__in=list(by_letter)).order_by("-submitted_at", "-pk")
    return [(other, by_letter[other.pk]) for other in others]


def render_detail(request, letter, *, bound=None, status=200):
    """The detail page; `bound`: the action form posted (with its errors), by its name."""
    journal.record(journal.Action.READ, letter, actor=request.user, fields=READ_FIELDS, note="lettre d'intention")
    context = letter_context(letter)
    codes = [row.code for row in context["communes"]]
    can_decide = policies.can_decide_letter(request.user, letter)
    forms = {}
    if can_decide and letter.status == LetterStatus.SUBMITTED:
        forms["request"] = RequestForm()
        forms["accept"] = AcceptForm(initial={"name": letter.project_name})
    if can_decide and letter.is_open:
        forms["refuse"] = RefuseForm()
    forms.update(bound or {})
    overlapping = overlapping_letters(request, letter, codes) if letter.is_open else []
    grant = services.grant_amount_for(letter.region_id)
    context.update(
        {
            "map_geojson": neighbourhood_geojson(codes),
            "map_codes": codes,
            "conflicts": find_conflicts(codes) if letter.is_open else [],
            "overlapping": overlapping,
            "can_decide": can_decide,
            "request_form": forms.get("request"),
            "accept_form": forms.get("accept"),
            "refuse_form": forms.get("refuse"),
            "grant": grant,
            "territory_extra": "creation/letter_ars_territory.html",
            "title": f"Lettre d'intention — {letter.project_name}",
            "breadcrumb_data": breadcrumb(
                letter.project_name,
                ("Mon accueil", reverse("my_home")),
                (LIST_TITLE, reverse("creation_letters")),
            ),
        }
    )
    return render(request, "creation/letter_ars.html", context, status=status)


@page("<int:pk>/")
@allow("GET", check=require_officer)
def creation_letter(request, pk):
    return render_detail(request, find_letter(request, pk))


def decide(request, pk, name, form_class, act):
    """One decision posted from the detail page: `act(letter, cleaned_data)` returns the response
    once done; a refusal of the domain goes on the form, and the page comes back (400)."""
    letter = find_letter(request, pk)
    ensure_allowed(policies.can_decide_letter(request.user, letter))
    form = form_class(request.POST)
    if form.is_valid():
        try:
            return act(letter, form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        letter.refresh_from_db()
    return render_detail(request, letter, bound={name: form}, status=400)


@page("<int:pk>/complements/")
@allow("POST", check=require_officer)
def creation_letter_request(request, pk):
    def act(letter, data):
        services.request_information(letter, by=request.user, comments=data["comments"])
        messages.success(request, "Votre demande de compléments est envoyée aux porteurs.")
        return redirect("creation_letter", pk=letter.pk)

    return decide(request, pk, "request", RequestForm, act)


@page("<int:pk>/accepter/")
@allow("POST", check=require_officer)
def creation_letter_accept(request, pk):
    def act(letter, data):
        letter = services.accept_letter(letter, by=request.user, name=data["name"] or None)
        messages.success(
            request,
            f"Lettre acceptée : la {letter.cpts.name} est créée avec son territoire, à l'étape « Lettre "
            "d'intention » ; chaque porteur est invité à la coordonner.",
        )
        return redirect("creation_letter", pk=letter.pk)

    return decide(request, pk, "accept", AcceptForm, act)


@page("<int:pk>/refuser/")
@allow("POST", check=require_officer)
def creation_letter_refuse(request, pk):
    def act(letter, data):
        services.refuse_letter(letter, by=request.user, reason=data["reason"])
        messages.success(request, "Lettre refusée : les porteurs en sont prévenus avec votre motif.")
        return redirect("creation_letter", pk=letter.pk)

    return decide(request, pk, "refuse", RefuseForm, act)
