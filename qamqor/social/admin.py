"""The admin shows the classes and groups only: the children's social categories, housing acts,
support and class lists are the social pedagogue's and the head's (DESIGN.md, "Confidentiality"),
not the system administrator's, so they are deliberately not registered here."""

from __future__ import annotations

from django.contrib import admin

from qamqor.social.models import SchoolClass


@admin.register(SchoolClass)
class SchoolClassAdmin(admin.ModelAdmin):
    list_display = ("name", "academic_year", "organization", "class_teacher")
    list_filter = ("academic_year", ("organization", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("organization", "class_teacher__user")
    search_fields = ("name",)
    raw_id_fields = ("class_teacher",)
    ordering = ("-academic_year", "organization__name", "name")
