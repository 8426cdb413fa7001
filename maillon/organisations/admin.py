from django.contrib import admin

from .models import Organisation, OrganisationPerson


class PersonInline(admin.TabularInline):
    model = OrganisationPerson
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "region"]
    list_filter = ["kind", "region"]
    search_fields = ["name"]
    inlines = [PersonInline]
