"""The admin for the topic catalogue and a careful view of the request journal.

Requests enter the journal through intake (journal.services), which numbers them without gaps
and records every status change. The admin therefore adds no requests, deletes none (a gap
in the journal is exactly what must not happen; cancel instead), and never changes a number
or a status; it can correct what was written down."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from qamqor.core.academic_year import academic_year_label
from qamqor.core.admin_base import ReadOnlyTabularInline
from qamqor.journal.models import JournalCounter, Request, StatusChange, Topic
from qamqor.orgs.roles import Role


class TopicForm(forms.ModelForm):
    # The model keeps role codes in a JSON list; here they are ticked from the known roles.
    roles = forms.MultipleChoiceField(
        label=_("specialist roles"),
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Role codes suggested for this topic."),
    )


@admin.register(Topic)
class TopicAdmin(TranslationAdmin):
    form = TopicForm
    list_display = ("code", "name", "role_list", "is_active", "position")
    list_editable = ("is_active", "position")
    list_filter = ("is_active",)
    search_fields = ("code", "name_kk", "name_ru", "name_en")

    @admin.display(description=_("specialist roles"))
    def role_list(self, obj: Topic) -> str:
        labels = dict(Role.choices)
        return ", ".join(str(labels.get(code, code)) for code in obj.roles or [])


class StatusChangeInline(ReadOnlyTabularInline):
    model = StatusChange
    fields = ("changed_at", "from_status", "to_status", "changed_by", "note")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("changed_by")


class RequestForm(forms.ModelForm):
    def clean(self):
        cleaned_data = super().clean()
        parent, child = cleaned_data.get("parent"), cleaned_data.get("child")
        # The same rules as intake: the family belongs to the request's organisation.
        if parent is not None and parent.organization_id != self.instance.organization_id:
            self.add_error("parent", ValidationError(_("The parent belongs to another organisation."), code="parent_org"))
        elif parent is not None and child is not None and child.parent_id != parent.pk:
            self.add_error("child", ValidationError(_("This child is not this parent's child."), code="child_parent"))
        return cleaned_data


@admin.register(Request)
class RequestAdmin(admin.ModelAdmin):
    form = RequestForm
    list_display = ("__str__", "received_at", "organization", "parent", "child", "topic", "channel", "status")
    list_display_links = ("__str__",)
    list_filter = ("status", "channel", ("organization", admin.RelatedOnlyFieldListFilter), "topic", "received_at")
    list_select_related = ("organization", "parent", "child", "topic")
    # number__exact compares the number as text, so a name typed in the box is no error.
    search_fields = ("parent__full_name", "child__full_name", "number__exact")
    autocomplete_fields = ("parent", "child")
    readonly_fields = (
        "organization",
        "academic_year",
        "number",
        "received_at",
        "received_by",
        "status",
        "specialists",
        "closed_at",
        "closed_by",
    )
    fieldsets = (
        (None, {"fields": ("organization", "academic_year", "number", "received_at", "received_by", "channel")}),
        (_("Who and what"), {"fields": ("parent", "child", "topic", "question")}),
        (
            _("Answer"),
            {"fields": ("answer", "recommendations", "outcome", "answered_by_phone", "call_minutes")},
        ),
        (_("Status"), {"fields": ("status", "specialists", "closed_at", "closed_by")}),
    )
    inlines = (StatusChangeInline,)
    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(JournalCounter)
class JournalCounterAdmin(admin.ModelAdmin):
    """The last number of each journal: shown for checking, changed only by intake."""

    list_display = ("organization", "year", "last_number")
    list_filter = ("academic_year",)
    list_select_related = ("organization",)
    search_fields = ("organization__name_kk", "organization__name_ru")

    @admin.display(description=_("academic year"), ordering="academic_year")
    def year(self, obj: JournalCounter) -> str:
        return academic_year_label(obj.academic_year)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
