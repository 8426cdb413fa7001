from django.contrib import admin

from maillon.core.admin import MaillonAdmin, MaillonTabularInline

from .models import Organisation, OrganisationPerson


class PersonInline(MaillonTabularInline):
    model = OrganisationPerson
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(MaillonAdmin):
    list_display = ["name", "kind", "region"]
    list_filter = ["kind", "region"]
    search_fields = ["name"]
    inlines = [PersonInline]
