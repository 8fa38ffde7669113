"""Tokens in the admin: issued here by the system administrator for any organisation (its
managers issue their own in the back office, qamqor/api/token_views.py); the token is shown
once, in the message after saving, and only its digest is kept."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from qamqor.api.models import ApiToken
from qamqor.api.services import api_token_issue, api_token_revoke
from qamqor.orgs.roles import ORGANIZATION_ROLES, Role


class ApiTokenForm(forms.ModelForm):
    roles = forms.MultipleChoiceField(
        label=_("roles"),
        choices=[(r.value, r.label) for r in Role if r in ORGANIZATION_ROLES],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("A manager's role (head, director, deputy, methodist) reads the organisation's request journal."),
    )

    class Meta:
        model = ApiToken
        fields = ("organization", "name", "roles")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    form = ApiTokenForm
    list_display = ("name", "organization", "prefix", "created_at", "last_used_at", "revoked_at")
    list_filter = (("organization", admin.RelatedOnlyFieldListFilter),)
    list_select_related = ("organization",)
    search_fields = ("name", "prefix")
    raw_id_fields = ("organization",)
    readonly_fields = ("prefix", "created_by", "created_at", "last_used_at", "revoked_at", "revoked_by")
    actions = ["revoke"]

    def get_readonly_fields(self, request, obj=None):
        # An issued token keeps its organisation: a new one is issued for another.
        return (*self.readonly_fields, "organization") if obj else self.readonly_fields

    def save_model(self, request, obj, form, change) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        issued = api_token_issue(organization=obj.organization, name=obj.name, roles=form.cleaned_data["roles"], by=request.user)
        obj.pk, obj.digest, obj.prefix = issued.token.pk, issued.token.digest, issued.token.prefix
        obj._state.adding = False
        messages.warning(
            request,
            gettext("The token, shown only now: copy it and give it to the system that will use it: %(token)s")
            % {"token": issued.raw},
        )

    @admin.action(description=_("Revoke the chosen tokens"))
    def revoke(self, request, queryset) -> None:
        for token in queryset:
            api_token_revoke(token=token, by=request.user)
