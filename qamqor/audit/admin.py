"""The audit log in the admin: to read, never to change or delete (auditlog's own admin lets a
cascade delete entries; ours refuses everything but viewing)."""

from __future__ import annotations

from auditlog.admin import LogEntryAdmin
from auditlog.models import LogEntry
from django.contrib import admin

from qamqor.audit.models import DataRequest, RetentionRun


class ReadOnlyLogEntryAdmin(LogEntryAdmin):
    actions = None

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


if admin.site.is_registered(LogEntry):
    admin.site.unregister(LogEntry)
admin.site.register(LogEntry, ReadOnlyLogEntryAdmin)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records of what was done with personal data: written by the services only."""

    actions = None

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(RetentionRun)
class RetentionRunAdmin(ReadOnlyAdmin):
    list_display = ("started_at", "organization", "retention_months", "cutoff", "dry_run", "counts")
    list_filter = ("dry_run", "started_at")
    list_select_related = ("organization",)
    search_fields = ("organization__name_kk", "organization__name_ru", "=organization__bin")


@admin.register(DataRequest)
class DataRequestAdmin(ReadOnlyAdmin):
    list_display = ("received_at", "kind", "organization", "parent_ref", "carried_out_at", "counts")
    list_filter = ("kind", "received_at")
    list_select_related = ("organization",)
    search_fields = ("=parent_ref", "organization__name_kk", "organization__name_ru")
