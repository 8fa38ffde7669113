from __future__ import annotations

from django import forms
from django.apps import apps
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qamqor.audit.registration import FOLLOWED


def record_type_choices() -> list[tuple[str, str]]:
    return [("", _("any"))] + [(label, apps.get_model(label)._meta.verbose_name.capitalize()) for label in FOLLOWED]


class AuditSearchForm(forms.Form):
    actor = forms.CharField(label=_("Who acted (login or name)"), required=False, max_length=100)
    record_type = forms.ChoiceField(label=_("Record"), required=False, choices=record_type_choices)
    record_id = forms.IntegerField(label=_("Record number (id)"), required=False, min_value=1)
    family = forms.CharField(label=_("Parent's or child's name"), required=False, max_length=100)
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(
        label=pgettext_lazy("end of a date range", "To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        if data.get("record_id") and not data.get("record_type"):
            self.add_error("record_type", _("Choose what kind of record the number is of."))
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end of the period is before its start."))
        return data

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
