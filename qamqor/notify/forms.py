from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from qamqor.core.forms import BootstrapMixin
from qamqor.notify.models import ReminderSettings


class ReminderSettingsForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = ReminderSettings
        fields = ("first_hours", "second_hours")


class StaffPreferenceForm(forms.Form):
    by_email = forms.BooleanField(
        label=_("Also tell me by email"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
