"""The admin of the public site's records."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from modeltranslation.admin import TranslationAdmin

from qamqor.core.admin_base import HTTPS_LINKS
from qamqor.portal.files import check_material_upload
from qamqor.portal.models import Feedback, Material, Question


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    """Read-only: feedback is the parent's own word, given once through their link; nobody edits
    or removes it (the reports count it)."""

    list_display = ("request", "organization", "rating", "given_at")
    list_filter = ("rating", "given_at", ("organization", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("request", "organization")
    fields = ("request", "organization", "rating", "comment", "given_at")
    readonly_fields = fields
    date_hierarchy = "given_at"
    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class MaterialAdminForm(forms.ModelForm):
    def clean_file(self):
        # The same check as the staff pages: a file is what it says, before it is stored.
        upload = self.cleaned_data.get("file")
        if isinstance(upload, UploadedFile):
            try:
                check_material_upload(kind=self.cleaned_data.get("kind", ""), upload=upload)
            except ValidationError as exc:
                raise ValidationError(exc.message_dict["file"]) from exc
        return upload


@admin.register(Material)
class MaterialAdmin(TranslationAdmin):
    form = MaterialAdminForm
    list_display = ("title", "organization", "kind", "language", "is_published", "published_at")
    list_filter = ("kind", "is_published", "language", ("organization", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("organization",)
    search_fields = ("title_kk", "title_ru")
    filter_horizontal = ("topics",)
    raw_id_fields = ("recommended_in", "created_by")
    readonly_fields = ("created_at", "updated_at")
    formfield_overrides = HTTPS_LINKS
    show_full_result_count = False


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    """Parents' questions: answered and published on the staff pages; here for the record."""

    list_display = ("__str__", "organization", "asked_at", "answered_at", "may_publish", "is_published")
    list_filter = ("is_published", "may_publish", ("organization", admin.RelatedOnlyFieldListFilter), "asked_at")
    list_select_related = ("organization",)
    search_fields = ("text", "answer")
    raw_id_fields = ("answered_by",)
    show_full_result_count = False
