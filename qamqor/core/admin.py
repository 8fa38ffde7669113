"""The admin for people. Kazakh names are written whole, so one full name replaces Django's
first and last name."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from qamqor.core.models import User
from qamqor.core.validators import normalize_phone


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("full_name", "email", "preferred_language")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "full_name", "email", "preferred_language", "usable_password", "password1", "password2"),
            },
        ),
    )
    list_display = ("username", "full_name", "email", "preferred_language", "is_staff", "is_active", "last_login")
    list_filter = ("is_staff", "is_superuser", "is_active", "preferred_language", "groups")
    search_fields = ("username", "full_name", "email")
    ordering = ("username",)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "preferred_language":
            # A free-text field in the model; here it is one of the languages the site speaks.
            return forms.ChoiceField(label=db_field.verbose_name, choices=settings.LANGUAGES, initial=settings.LANGUAGE_CODE)
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class PhoneNumbersForm(forms.ModelForm):
    """Keeps phone numbers in E.164 as the services do, whatever way the admin typed them:
    search and reminders find '+77011234567', not '8 (701) 123-45-67'."""

    phone_fields: tuple[str, ...] = ("phone",)

    def clean(self):
        cleaned_data = super().clean()
        for name in self.phone_fields:
            value = cleaned_data.get(name)
            if value:
                try:
                    cleaned_data[name] = normalize_phone(value)
                except ValidationError as exc:
                    self.add_error(name, exc)
        return cleaned_data
