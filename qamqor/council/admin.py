"""The admin: the parent support centre's members and meetings, for the system administrator."""

from __future__ import annotations

from django.contrib import admin

from qamqor.council.models import AgendaItem, Meeting, Member


class AgendaItemInline(admin.StackedInline):
    model = AgendaItem
    extra = 0
    fields = ("position", "topic", "heard", "spoke", "proposals")
    readonly_fields = ("position",)


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ("__str__", "organization", "position", "is_active", "joined_on")
    list_filter = ("position", "is_active", ("organization", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("organization", "membership__user")
    raw_id_fields = ("organization", "membership")


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ("__str__", "organization", "academic_year", "number", "kind", "format", "status")
    list_filter = ("kind", "format", "status", "academic_year", ("organization", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("organization",)
    raw_id_fields = ("organization", "chair", "secretary", "present", "created_by")
    readonly_fields = ("academic_year", "number")
    date_hierarchy = "date"
    inlines = [AgendaItemInline]

    def has_add_permission(self, request) -> bool:
        # A meeting's number is given by its service (the next of its academic year).
        return False
