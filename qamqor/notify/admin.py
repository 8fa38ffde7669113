"""The admin: an organisation's reminder times, and the delivery log to read (never to write:
messages are planned and sent by the services and the task workers only)."""

from __future__ import annotations

from django.contrib import admin

from qamqor.notify.models import Message, ReminderSettings


@admin.register(ReminderSettings)
class ReminderSettingsAdmin(admin.ModelAdmin):
    list_display = ("organization", "first_hours", "second_hours")
    list_select_related = ("organization",)
    raw_id_fields = ("organization",)


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ("send_at", "kind", "channel", "status", "attempts", "organization")
    list_filter = ("status", "kind", "channel", ("organization", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("organization",)
    date_hierarchy = "send_at"
    readonly_fields = [f.name for f in Message._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
