"""The admin for the system administrator: regions, districts, organisations and who holds
which role where. Names are edited in every language (django-modeltranslation)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from qamqor.core.admin import PhoneNumbersForm
from qamqor.orgs.models import ConsultationPoint, District, Membership, Organization, Region, Room
from qamqor.orgs.roles import Role

NAME_SEARCH = ("name_kk", "name_ru", "name_en")


@admin.register(Region)
class RegionAdmin(TranslationAdmin):
    list_display = ("kato", "name")
    search_fields = ("kato", *NAME_SEARCH)
    ordering = ("kato",)


@admin.register(District)
class DistrictAdmin(TranslationAdmin):
    list_display = ("kato", "name", "region")
    list_filter = ("region",)
    list_select_related = ("region",)
    search_fields = ("kato", *NAME_SEARCH)
    ordering = ("region__kato", "kato")


class ConsultationPointForm(PhoneNumbersForm):
    phone_fields = ("phone", "whatsapp")


class ConsultationPointInline(admin.StackedInline):
    model = ConsultationPoint
    form = ConsultationPointForm
    extra = 0
    max_num = 1


class RoomInline(admin.TabularInline):
    model = Room
    extra = 0


class OrganizationForm(PhoneNumbersForm):
    pass


@admin.register(Organization)
class OrganizationAdmin(TranslationAdmin):
    form = OrganizationForm
    list_display = ("name", "kind", "district", "district__region", "bin", "phone", "retention_months")
    list_filter = ("kind", "district__region")
    list_select_related = ("district__region",)
    search_fields = (*NAME_SEARCH, "=bin", "district__name_kk", "district__name_ru")
    autocomplete_fields = ("district",)
    inlines = (ConsultationPointInline, RoomInline)


@admin.register(ConsultationPoint)
class ConsultationPointAdmin(admin.ModelAdmin):
    form = ConsultationPointForm
    list_display = ("organization", "phone", "is_open", "slot_minutes", "opened_on")
    list_filter = ("is_open", "organization__district__region")
    list_select_related = ("organization",)
    search_fields = ("organization__name_kk", "organization__name_ru", "=organization__bin")
    autocomplete_fields = ("organization",)


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = ("name", "organization")
    list_select_related = ("organization",)
    search_fields = ("name", "organization__name_kk", "organization__name_ru")
    autocomplete_fields = ("organization",)

    def get_queryset(self, request):
        # Autocomplete answers go through here too, and a room is shown with its organisation.
        return super().get_queryset(request).select_related("organization")


class MembershipForm(forms.ModelForm):
    def clean(self):
        cleaned_data = super().clean()
        role = cleaned_data.get("role")
        places = {name: cleaned_data.get(name) for name in ("organization", "district", "region")}
        # The database refuses a role without its one place; this says which place it needs.
        needed = {Role.DISTRICT_OFFICER: "district", Role.REGION_OFFICER: "region"}.get(role, "organization")
        if role and not places[needed]:
            self.add_error(needed, ValidationError(_("This role needs a place here."), code="place_missing"))
        for name, value in places.items():
            if role and name != needed and value:
                self.add_error(name, ValidationError(_("Leave this empty for this role."), code="place_extra"))
        return cleaned_data


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    form = MembershipForm
    list_display = ("person_name", "role", "organization", "district", "region", "is_active")
    list_filter = ("role", "is_active", "organization__district__region")
    list_select_related = ("user", "organization", "district", "region")
    search_fields = ("user__username", "user__full_name", "organization__name_kk", "organization__name_ru")
    autocomplete_fields = ("user", "organization", "district")

    @admin.display(description=_("person"), ordering="user__full_name")
    def person_name(self, obj: Membership) -> str:
        return obj.person_name

    def get_queryset(self, request):
        # A role is shown as "person · role · place" in autocompletes and other admins' forms.
        return super().get_queryset(request).select_related("user", "organization", "district", "region")
