"""The admin for working hours, closed days and appointments.

Appointments are booked through scheduling.services, which checks working hours and keeps a
specialist, a room and a child out of two sessions at once, and their status follows the
journal's request. Here they are looked at, and a meeting link can be corrected; booking,
moving and cancelling happen in the back office."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from qamqor.core.admin_base import HTTPS_LINKS, ReadOnlyTabularInline
from qamqor.scheduling.models import Appointment, AppointmentSpecialist, ClosedDay, Participant, WorkingHours


@admin.register(WorkingHours)
class WorkingHoursAdmin(admin.ModelAdmin):
    list_display = ("membership", "kind", "weekday", "starts", "ends", "room")
    list_filter = ("kind", "weekday", ("membership__organization", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("membership__user", "membership__organization", "room")
    search_fields = ("membership__user__full_name", "membership__organization__name_kk", "membership__organization__name_ru")
    autocomplete_fields = ("membership", "room")


@admin.register(ClosedDay)
class ClosedDayAdmin(admin.ModelAdmin):
    list_display = ("date", "organization", "is_closed", "works_as", "note")
    list_filter = ("is_closed", ("organization", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("organization",)
    search_fields = ("organization__name_kk", "organization__name_ru", "note")
    autocomplete_fields = ("organization",)
    date_hierarchy = "date"


class AppointmentSpecialistInline(ReadOnlyTabularInline):
    model = AppointmentSpecialist
    fields = ("membership", "person", "starts_at", "ends_at", "is_active")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("membership__user", "membership__organization", "person")


class ParticipantInline(ReadOnlyTabularInline):
    """A session's participants, added in the back office (scheduling.sessions)."""

    model = Participant
    fields = ("child", "parent", "parent_present", "status", "is_active", "added_at")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("child", "parent")


class AppointmentForm(forms.ModelForm):
    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get("is_online") and not cleaned_data.get("meeting_url"):
            self.add_error("meeting_url", ValidationError(_("An online consultation needs a meeting link."), code="no_link"))
        return cleaned_data


@admin.register(Appointment)
class AppointmentAdmin(admin.ModelAdmin):
    form = AppointmentForm
    formfield_overrides = HTTPS_LINKS
    list_display = ("__str__", "ends_at", "organization", "format", "specialist_names", "child", "room", "status", "is_online")
    list_filter = ("status", "format", "is_online", ("organization", admin.RelatedOnlyFieldListFilter), "starts_at")
    list_select_related = ("organization", "child", "room")
    search_fields = ("child__full_name", "request__parent__full_name", "specialist_links__person__full_name")
    readonly_fields = (
        "organization",
        "request",
        "starts_at",
        "ends_at",
        "room",
        "child",
        "status",
        "booked_by",
        "created_at",
        "format",
        "capacity",
    )
    fields = (*readonly_fields, "is_online", "meeting_url")
    inlines = (AppointmentSpecialistInline, ParticipantInline)
    show_full_result_count = False

    @admin.display(description=_("specialists"))
    def specialist_names(self, obj: Appointment) -> str:
        return ", ".join(link.person.get_full_name() for link in obj.specialist_links.all())

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("specialist_links__person")

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
