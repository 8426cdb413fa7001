"""The fields of a valid ad, for the tests that submit one through the services."""

import datetime

from django.utils import timezone

from maillon.support.models import AdKind
from maillon.territories.factories import CommuneFactory


def ad_fields(**overrides):
    fields = {
        "kind": AdKind.REPLACEMENT,
        "title": "Remplacements réguliers en cabinet de groupe",
        "description": "Deux jours par semaine, secrétariat sur place, logiciel partagé.",
        "profession": "10",
        "commune": CommuneFactory(),
        "contact_name": "Dr Claire Martin",
        "contact_email": "cabinet@example.org",
        "expires_on": timezone.localdate() + datetime.timedelta(days=60),
    }
    return fields | overrides
