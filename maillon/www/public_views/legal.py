"""Legal pages; the publisher is whoever deploys Maillon (settings MAILLON_PUBLISHER_*)."""

import datetime

from django.conf import settings
from django.shortcuts import render

from ..toolkit.navigation import breadcrumb
from . import page


def publisher():
    return {
        "name": settings.MAILLON_PUBLISHER_NAME,
        "address": settings.MAILLON_PUBLISHER_ADDRESS,
        "email": settings.MAILLON_PUBLISHER_EMAIL,
        "director": settings.MAILLON_PUBLICATION_DIRECTOR,
        "host_name": settings.MAILLON_HOST_NAME,
        "host_address": settings.MAILLON_HOST_ADDRESS,
        "dpo_email": settings.MAILLON_DPO_EMAIL or settings.MAILLON_PUBLISHER_EMAIL,
        "source_url": settings.MAILLON_SOURCE_URL,
    }


@page("mentions-legales/")
def legal_notice(request):
    context = {"publisher": publisher(), "title": "Mentions légales", "breadcrumb_data": breadcrumb("Mentions légales")}
    return render(request, "www/legal/notice.html", context)


@page("donnees-personnelles/")
def privacy(request):
    context = {
        "publisher": publisher(),
        "retention_months": settings.MAILLON_JOURNAL_RETENTION_MONTHS,
        "prevention_retention_days": settings.MAILLON_PREVENTION_REGISTRANT_RETENTION_DAYS,
        "signup_retention_days": settings.MAILLON_DISCUSSION_SIGNUP_RETENTION_DAYS,
        "oidc_enabled": settings.OIDC_ENABLED,
        "oidc_provider_name": settings.OIDC_PROVIDER_NAME,
        "title": "Données personnelles",
        "breadcrumb_data": breadcrumb("Données personnelles"),
    }
    return render(request, "www/legal/privacy.html", context)


def declaration_date():
    try:
        return datetime.date.fromisoformat(settings.MAILLON_ACCESSIBILITY_DECLARATION_DATE)
    except ValueError:
        return None


@page("accessibilite/")
def accessibility(request):
    context = {
        "publisher": publisher(),
        "declaration_date": declaration_date(),
        "title": "Déclaration d'accessibilité",
        "breadcrumb_data": breadcrumb("Accessibilité"),
    }
    return render(request, "www/legal/accessibility.html", context)
