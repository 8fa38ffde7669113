"""The admin: plans and their items, for the system administrator."""

from __future__ import annotations

from django.contrib import admin

from qamqor.plans.models import Plan, PlanItem


class PlanItemInline(admin.TabularInline):
    model = PlanItem
    extra = 0
    fields = ("position", "number", "activity", "period", "status")
    readonly_fields = fields
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        # Items are written by the service only: their due dates are worked out there.
        return False


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ("__str__", "organization", "academic_year", "kind", "approved_on")
    list_filter = ("kind", "academic_year", ("organization", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("organization",)
    search_fields = ("title",)
    raw_id_fields = ("organization", "approved_at_meeting", "created_by")
    inlines = [PlanItemInline]
