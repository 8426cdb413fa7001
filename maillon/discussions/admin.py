from django.contrib import admin

from maillon.core.admin import MaillonAdmin, MaillonTabularInline

from .models import DiscussionSpace, Participant, SignupQuestion


class ParticipantInline(MaillonTabularInline):
    model = Participant
    extra = 0
    raw_id_fields = ["user"]
    fields = ["user", "role", "notify", "status", "is_member"]
    readonly_fields = fields
    can_delete = False

    # Places are given by the pages (chosen, accepted, added), never here: no way in for whoever
    # holds the admin.
    def has_add_permission(self, request, obj=None):
        return False


class QuestionInline(MaillonTabularInline):
    model = SignupQuestion
    extra = 0


@admin.register(DiscussionSpace)
class DiscussionSpaceAdmin(MaillonAdmin):
    """Spaces and who is in them; never the messages (professionals' words, kept from the admin)."""

    list_display = ["name", "kind", "cpts", "organisation", "archived_at"]
    list_filter = ["kind"]
    search_fields = ["name"]
    inlines = [ParticipantInline, QuestionInline]
