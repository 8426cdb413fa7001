"""The public ads of the territories (mission 6), without login: the search (`annonces/`), one ad
(`annonces/<id>/`) and the RSS feed of a search (`annonces/rss/`).

Only published ads that have not expired (`Ad.objects.public`). Each is stamped with the CPTS
whose current territory holds its commune, computed when read (`selectors.stamps`, a fixed
number of queries whatever the number of ads): its name, lifecycle step, taille and the missions of its
ACI in force, linking to its public page — or « Aucune CPTS ne couvre cette commune ».

The search is a plain GET form (profession, type, a département or a commune with a distance);
with htmx the commune field suggests communes while typing. Its map draws the results of the
page from a GeoJSON built here (one point per commune); the list under it carries the same
information and stays the accessible source."""

import datetime
from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Rss201rev2Feed

from maillon.core.missions import Mission
from maillon.support import selectors
from maillon.support.models import Ad

from ..members_views.directory.forms import commune_suggestions
from ..space import allow
from ..toolkit.communes import commune_label
from ..toolkit.htmx import is_htmx, vary_on_htmx
from ..toolkit.navigation import breadcrumb
from . import page
from .forms_ads import AdSearchForm

PAGE_SIZE = 20
FEED_SIZE = 50
SEARCH_TITLE = "Annonces des professionnels de santé"
SUGGESTIONS_TARGET = "commune-options"
UNCOVERED = "Aucune CPTS ne couvre cette commune"


@dataclass(frozen=True)
class StampedAd:
    """An ad and the CPTS its commune is in today (None: no CPTS covers it)."""

    ad: Ad
    stamp: selectors.CptsStamp | None

    @property
    def missions(self) -> list[str]:
        """The labels of the missions of the stamp's ACI in force (« 1 — Accès aux soins »…)."""
        return [Mission(number).label for number in self.stamp.missions] if self.stamp else []


def stamped(ads) -> list[StampedAd]:
    return [StampedAd(ad, stamp) for ad, stamp in selectors.stamp_all(ads)]


def numbers(values) -> str:
    """« 1, 2 et 4 »."""
    values = [str(value) for value in values]
    return " et ".join([", ".join(values[:-1]), values[-1]]) if len(values) > 1 else "".join(values)


def stamp_text(stamp) -> str:
    """The stamp in one sentence (the feed, the map's tooltips)."""
    if stamp is None:
        return f"{UNCOVERED}."
    missions = f", missions de l'ACI {numbers(stamp.missions)}" if stamp.missions else ""
    return f"{stamp.name} ({stamp.status_label.lower()}, taille {stamp.taille}{missions})."


def ads_geojson(rows: list[StampedAd]) -> dict:
    """The map of a page of results: one point per commune (its town hall), with its ads and
    the CPTS it is in. GeoJSON, put in the page by `json_script` (escaped)."""
    points: dict[str, dict] = {}
    for row in rows:
        commune = row.ad.commune
        if commune.latitude is None or commune.longitude is None:
            continue
        point = points.setdefault(
            commune.code,
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [commune.longitude, commune.latitude]},
                "properties": {
                    "code": commune.code,
                    "name": commune.name,
                    "cpts": row.stamp.name if row.stamp else None,
                    "ads": [],
                },
            },
        )
        point["properties"]["ads"].append(
            {
                "title": row.ad.title,
                "kind": row.ad.get_kind_display(),
                "url": reverse("ad_public_detail", args=[row.ad.pk]),
            }
        )
    return {"type": "FeatureCollection", "features": sorted(points.values(), key=lambda f: f["properties"]["name"])}


def criteria_query(request) -> str:
    """The criteria of the page, for the pagination and the feed's link (without the page number)."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def commune_choices(request, form) -> list[dict]:
    """Links to the same search with each commune an ambiguous name may mean."""
    choices = []
    for commune in form.commune_candidates:
        query = request.GET.copy()
        query["commune"] = commune_label(commune)
        query.pop("page", None)
        choices.append({"label": commune_label(commune), "url": f"{reverse('ad_search')}?{query.urlencode()}"})
    return choices


# --- The search --------------------------------------------------------------------------------


@page("")
@allow("GET", check=None)
def ad_search(request):
    url = reverse("ad_search")
    if is_htmx(request) and request.headers.get("HX-Target") == SUGGESTIONS_TARGET:
        suggestions = commune_suggestions(request.GET.get("commune", "")[:100])
        return vary_on_htmx(render(request, "members/directory/_commune_options.html", {"communes": suggestions}))
    form = AdSearchForm(request.GET, suggest_url=url)
    rows, listed = [], None
    if form.is_valid():
        listed = Paginator(selectors.public_ads(**form.filters()), PAGE_SIZE).get_page(request.GET.get("page"))
        rows = stamped(listed.object_list)
    query = criteria_query(request)
    context = {
        "form": form,
        "page": listed,
        "rows": rows,
        "geojson": ads_geojson(rows),
        "where": form.where() if listed is not None else "",
        "searched": bool(query),
        "commune_choices": commune_choices(request, form),
        "query": query,
        "feed_url": reverse("ad_feed") + (f"?{query}" if query else ""),
        "search_url": url,
        "title": SEARCH_TITLE,
        "breadcrumb_data": breadcrumb("Annonces"),
    }
    return vary_on_htmx(render(request, "support/ads/search.html", context, status=400 if form.errors else 200))


# --- One ad ------------------------------------------------------------------------------------


@page("<int:pk>/")
@allow("GET", check=None)
def ad_public_detail(request, pk):
    """A published ad that has not expired, with its contact; 404 for any other, as for a missing one."""
    ads = Ad.objects.public().select_related("commune__departement", "cpts").defer("commune__contour")
    ad = get_object_or_404(ads, pk=pk)
    row = stamped([ad])[0]
    context = {
        "ad": ad,
        "row": row,
        "title": f"{ad.title} — Annonces",
        "breadcrumb_data": breadcrumb(ad.title, ("Annonces", reverse("ad_search"))),
    }
    return render(request, "support/ads/public_detail.html", context)


# --- The feed ----------------------------------------------------------------------------------


class AdFeed(Feed):
    """RSS 2.0: the latest ads of a search (its criteria in the query string), each stamped."""

    feed_type = Rss201rev2Feed
    description_template = "support/ads/feed_description.html"
    language = "fr"

    def get_object(self, request, *, form):
        return {"form": form, "query": criteria_query(request)}

    def title(self, search):
        where = search["form"].where()
        return f"Annonces des professionnels de santé{f' — {where}' if where else ''} — Maillon"

    def link(self, search):
        return reverse("ad_search") + (f"?{search['query']}" if search["query"] else "")

    def description(self, search):
        return (
            "Les annonces publiées par les CPTS : cessions, locaux, remplacements, collaborations, postes "
            "salariés et logements de stagiaires, chacune avec la CPTS qui couvre sa commune."
        )

    def items(self, search):
        ads = selectors.public_ads(**search["form"].filters())[:FEED_SIZE]
        return stamped(ads)

    def item_title(self, row):
        return f"{row.ad.get_kind_display()} — {row.ad.title} ({row.ad.commune.name})"

    def item_link(self, row):
        return reverse("ad_public_detail", args=[row.ad.pk])

    def item_pubdate(self, row):
        day = row.ad.published_on or timezone.localdate()
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))

    def item_categories(self, row):
        return [row.ad.get_kind_display(), row.ad.get_profession_display()]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        row = kwargs["item"]
        return context | {"row": row, "stamp_text": stamp_text(row.stamp)}


@page("rss/")
@allow("GET", check=None)
def ad_feed(request):
    form = AdSearchForm(request.GET)
    if not form.is_valid():
        errors = " ".join(message for messages in form.errors.values() for message in messages)
        return HttpResponseBadRequest(errors, content_type="text/plain; charset=utf-8")
    return AdFeed()(request, form=form)
