"""A territorial role given later (administration, demo) enrols its officer too."""

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from maillon.territories.models import TerritoryRole


@receiver(post_save, sender=TerritoryRole, dispatch_uid="organisations_enrol_officer")
def enrol_officer(sender, instance, raw=False, **kwargs):
    if raw:
        return
    from .services import enrol_officers

    transaction.on_commit(lambda: enrol_officers(TerritoryRole.objects.filter(pk=instance.pk)))
