"""The admin for parents, children and consents. Personal data: lists show no more than a
person needs to find the right family, and big tables skip the full count."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from qamqor.core.admin import PhoneNumbersForm
from qamqor.families.models import Child, Consent, Contract, Parent


class ConsentInline(admin.TabularInline):
    model = Consent
    fields = ("scope", "method", "given_at", "text_version", "recorded_by", "withdrawn_at")
    autocomplete_fields = ("recorded_by",)
    extra = 0


class ParentForm(PhoneNumbersForm):
    pass


@admin.register(Parent)
class ParentAdmin(admin.ModelAdmin):
    form = ParentForm
    list_display = ("full_name", "phone_display", "organization", "language", "created_at")
    list_filter = ("language", ("organization", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("organization",)
    search_fields = ("full_name", "phone")
    autocomplete_fields = ("organization",)
    inlines = (ConsentInline,)
    # Set by the retention or the parent's erasure only (qamqor/audit/services.py).
    readonly_fields = ("anonymised_at",)
    show_full_result_count = False

    @admin.display(description=_("phone"), ordering="phone")
    def phone_display(self, obj: Parent) -> str:
        return obj.phone_display

    def get_search_results(self, request, queryset, search_term):
        # The same search as the journal: by name, or by the digits of a phone however typed.
        return queryset.search(search_term), False


@admin.register(Child)
class ChildAdmin(admin.ModelAdmin):
    list_display = ("full_name", "birth_date", "sex", "parent", "organization")
    list_filter = ("sex", ("organization", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("parent", "organization")
    search_fields = ("full_name", "=iin", "parent__full_name")
    autocomplete_fields = ("organization", "parent")
    show_full_result_count = False


@admin.register(Consent)
class ConsentAdmin(admin.ModelAdmin):
    list_display = ("parent", "scope", "method", "given_at", "text_version", "withdrawn_at", "recorded_by")
    list_filter = ("scope", "method", ("withdrawn_at", admin.EmptyFieldListFilter), "given_at")
    list_select_related = ("parent", "recorded_by")
    search_fields = ("parent__full_name",)
    autocomplete_fields = ("parent", "recorded_by")
    show_full_result_count = False


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin):
    """Contracts are drafted, signed and ended by their services (families/contracts.py): numbers
    without gaps, the consent checked, the scan checked by content. Here they are only looked up."""

    list_display = ("number", "organization", "parent", "child", "language", "status", "drafted_at", "signed_on", "ended_on")
    list_filter = ("status", "language", ("organization", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("organization", "parent", "child")
    search_fields = ("=number", "parent__full_name", "child__full_name")
    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
