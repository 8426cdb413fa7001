"""The « Accompagnement des professionnels » home of a CPTS (mission 6): what waits for this
person, counted through the policies (applications received, ads to moderate, installation
projects open, equipment bookings of the week), and the way to every mission 6 page the role
may use. Counts only: nothing named here.

Helpers the other mission 6 pages of this package share (the door, the breadcrumb) live here too."""

import datetime

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from maillon.core.policies import is_coordinator
from maillon.support import policies
from maillon.support.models import ApplicationStatus, InstallationStatus

from ..space import allow, space_breadcrumb, visible_if
from ..toolkit.dates import monday_of
from . import page

SUPPORT_TITLE = "Accompagnement des professionnels"

# The door of every private mission 6 page: 404, as for a CPTS that does not exist, unless the
# user may use the support pages (a role in this CPTS).
require_support = visible_if(policies.can_use_support)


def support_link(cpts) -> tuple[str, str]:
    return ("Accompagnement", reverse("support_home", args=[cpts.slug]))


def support_breadcrumb(cpts, current: str, *links) -> dict:
    """CPTS › Espace membres › Accompagnement › … › current page."""
    return space_breadcrumb(cpts, current, support_link(cpts), *links)


def week_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """[Monday 00:00, next Monday 00:00) of the week of `day`, aware, local time."""
    monday = monday_of(day)
    start = timezone.make_aware(datetime.datetime.combine(monday, datetime.time.min))
    end = timezone.make_aware(datetime.datetime.combine(monday + datetime.timedelta(days=7), datetime.time.min))
    return start, end


def said(count: int, one: str, many: str) -> str:
    """French counts: « 0 annonce », « 1 annonce », « 2 annonces »."""
    return one if count <= 1 else many


def figures(user, cpts, today) -> dict:
    """The counts of the home, each from the policies (one query per kind of thing)."""
    manager = policies.can_manage_support(user, cpts)
    start, end = week_bounds(today)
    counts = {
        "applications": policies.visible_applications(user, cpts).filter(status=ApplicationStatus.RECEIVED).count(),
        "installations": policies.visible_installations(user, cpts).filter(status=InstallationStatus.OPEN).count(),
        "ads_to_moderate": policies.visible_ads(user, cpts).to_moderate().count() if manager else None,
    }
    bookings = policies.visible_equipment_bookings(user, cpts).overlapping(start, end)
    counts["bookings_week"] = bookings.count()
    own = policies.booking_membership(user, cpts)
    counts["my_bookings_week"] = bookings.filter(membership=own).count() if own is not None else 0
    return counts


def waiting(user, cpts, counts) -> list[dict]:
    """What waits, said: [{count, label, url, detail}] in the order of the home."""

    def url(name):
        return reverse(name, args=[cpts.slug])

    coordinator = is_coordinator(user, cpts)
    applications, installations = counts["applications"], counts["installations"]
    bookings, mine = counts["bookings_week"], counts["my_bookings_week"]
    rows = [
        {
            "count": applications,
            "label": said(
                applications, "candidature de stagiaire reçue, à décider", "candidatures de stagiaire reçues, à décider"
            ),
            "url": url("application_list"),
        }
    ]
    if counts["ads_to_moderate"] is not None:
        ads = counts["ads_to_moderate"]
        rows.append(
            {"count": ads, "label": said(ads, "annonce à modérer", "annonces à modérer"), "url": url("ad_list")}
        )
    if coordinator:
        label = said(installations, "installation en cours de suivi", "installations en cours de suivi")
    else:
        label = said(installations, "projet d'installation en cours", "projets d'installation en cours")
    rows.append({"count": installations, "label": label, "url": url("installation_list")})
    rows.append(
        {
            "count": bookings,
            "label": said(bookings, "réservation de matériel cette semaine", "réservations de matériel cette semaine"),
            "url": url("equipment_list"),
            "detail": f"dont {mine} à votre nom" if mine else "",
        }
    )
    return rows


def pages(user, cpts) -> list[tuple[str, list[tuple[str, str]]]]:
    """The mission 6 pages this role may use, by section: (section, [(label, url)]); the pages
    that write, where the policy lets this user write."""

    def url(name):
        return reverse(name, args=[cpts.slug])

    def offered(*links):
        return [(label, address) for label, address, shown in links if shown]

    coordinator = is_coordinator(user, cpts)
    interns = offered(
        ("Maîtres de stage", url("supervisor_list"), True),
        ("Stages" if coordinator else "Les stages que j'encadre", url("placement_list"), True),
        ("Candidatures reçues", url("application_list"), True),
        ("Logements des stagiaires", url("housing_list"), True),
        ("Page publique « Faire son stage ici »", url("internships_public"), True),
    )
    installation = offered(
        ("Projets d'installation" if coordinator else "Mon projet d'installation", url("installation_list"), True),
        ("Suivre une nouvelle installation", url("installation_create"), policies.can_start_installation(user, cpts)),
    )
    ads = offered(
        ("Annonces de la CPTS", url("ad_list"), True),
        ("Publier une annonce", url("ad_create"), policies.can_submit_ad(user, cpts)),
        ("Recherche publique des annonces", reverse("ad_search"), True),
    )
    peers = offered(
        ("Binômes de tutorat", url("tutoring_list"), True),
        ("Nouveau binôme", url("tutoring_create"), policies.can_manage_tutoring(user, cpts)),
        ("Formations croisées", url("cross_training_list"), True),
        ("Nouvelle formation croisée", url("cross_training_create"), policies.can_plan_cross_training(user, cpts)),
        ("Matériel partagé", url("equipment_list"), True),
        ("Ajouter du matériel", url("equipment_create"), policies.can_manage_equipment(user, cpts)),
    )
    sections = [
        ("Stagiaires et maîtres de stage", interns),
        ("Installation", installation),
        ("Annonces", ads),
        ("Entraide entre professionnels", peers),
    ]
    if policies.can_edit_site(user, cpts):
        sections.append(("Site de la CPTS", [("Modifier la page publique", url("site_edit"))]))
    return sections


@page("accompagnement/")
@allow("GET", check=require_support)
def support_home(request, cpts_slug):
    cpts, user = request.cpts, request.user
    context = {
        "cpts": cpts,
        "waiting": waiting(user, cpts, figures(user, cpts, timezone.localdate())),
        "sections": pages(user, cpts),
        "title": f"{SUPPORT_TITLE} — {cpts.name}",
        "heading": SUPPORT_TITLE,
        "breadcrumb_data": space_breadcrumb(cpts, "Accompagnement"),
    }
    return render(request, "support/home/home.html", context)
