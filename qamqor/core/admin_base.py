"""Admin building blocks shared by the apps."""

from __future__ import annotations

from django.contrib import admin
from django.db import models


class ReadOnlyTabularInline(admin.TabularInline):
    """Rows that only the services write (history, booked specialists): shown, never edited."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


# A link typed without its scheme is taken as https (Django 6's default; 5.2 warns without it).
HTTPS_LINKS = {models.URLField: {"assume_scheme": "https"}}
