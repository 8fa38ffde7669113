"""The admin: reference data and records, for the system administrator."""

from __future__ import annotations

from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from qamqor.core.admin_base import HTTPS_LINKS
from qamqor.engagement.models import Award, Event, HonorBookConsent, HonorBookEntry, Idea, Registration


class RegistrationInline(admin.TabularInline):
    model = Registration
    extra = 0
    fields = ("full_name", "phone", "status", "registered_at", "attended")
    readonly_fields = fields
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        # Places are given by the service only (capacity and waiting list under a lock).
        return False


@admin.register(Event)
class EventAdmin(TranslationAdmin):
    list_display = ("title", "organization", "kind", "starts_at", "capacity", "status", "organizer")
    list_filter = ("kind", "status", "organizer", ("organization", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("organization",)
    search_fields = ("title_kk", "title_ru")
    raw_id_fields = ("organization", "parent_organizers", "created_by")
    date_hierarchy = "starts_at"
    inlines = [RegistrationInline]
    formfield_overrides = HTTPS_LINKS


@admin.register(Idea)
class IdeaAdmin(admin.ModelAdmin):
    list_display = ("__str__", "organization", "status", "submitted_at")
    list_filter = ("status", ("organization", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("organization",)
    raw_id_fields = ("organization", "decided_by")
    readonly_fields = ("submitted_at", "decided_at")


@admin.register(Award)
class AwardAdmin(admin.ModelAdmin):
    list_display = ("__str__", "organization", "academic_year", "kind", "decided_at", "revoked_at")
    list_filter = ("kind", "academic_year", ("organization", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("organization",)
    search_fields = ("recipient_name", "group_name")
    raw_id_fields = ("organization", "parent", "decided_by", "revoked_by")
    readonly_fields = ("decided_at", "revoked_at")


class HonorBookConsentInline(admin.TabularInline):
    model = HonorBookConsent
    extra = 0
    fields = ("given_by", "method", "given_at", "recorded_by", "withdrawn_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        # A consent is recorded by the organisation's managers on the entry's page (recognition.py).
        return False


@admin.register(HonorBookEntry)
class HonorBookEntryAdmin(admin.ModelAdmin):
    list_display = ("family_name", "organization", "academic_year", "created_at")
    list_filter = ("academic_year", ("organization", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("organization",)
    search_fields = ("family_name",)
    raw_id_fields = ("organization", "parent", "created_by")
    readonly_fields = ("created_at",)
    inlines = [HonorBookConsentInline]
