from django.contrib import admin

from maillon.core.admin import MaillonAdmin, ReadOnlyAdmin

from .models import Commune, Departement, Epci, Region, TerritoryCommune, TerritoryRole


@admin.register(Region)
class RegionAdmin(MaillonAdmin):
    list_display = ["code", "name"]


@admin.register(Departement)
class DepartementAdmin(MaillonAdmin):
    list_display = ["code", "name", "region"]
    list_filter = ["region"]


@admin.register(Epci)
class EpciAdmin(MaillonAdmin):
    list_display = ["code", "name", "kind"]
    search_fields = ["name", "code"]


@admin.register(Commune)
class CommuneAdmin(ReadOnlyAdmin):
    """Reference data, refreshed by `import_communes`: read only here."""

    list_display = ["code", "name", "departement", "population"]
    list_filter = ["departement__region"]
    search_fields = ["=code", "name"]
    exclude = ["contour", "search_name"]
    list_select_related = ["departement"]


@admin.register(TerritoryCommune)
class TerritoryCommuneAdmin(ReadOnlyAdmin):
    """Territories change through the editor (dated, checked); read only here."""

    list_display = ["cpts", "commune", "valid_from", "valid_to"]
    list_filter = ["cpts"]
    search_fields = ["commune__name", "=commune__code"]
    list_select_related = ["cpts", "commune"]


@admin.register(TerritoryRole)
class TerritoryRoleAdmin(MaillonAdmin):
    list_display = ["user", "role", "organisation", "departement", "region"]
    list_filter = ["role"]
    autocomplete_fields = ["user"]
