from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from qamqor.core.forms import BootstrapMixin, DateInput
from qamqor.core.validators import normalize_phone, validate_birth_date, validate_iin, validate_iin_matches
from qamqor.families.models import Consent, Parent, Sex


class ParentForm(BootstrapMixin, forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    phone = forms.CharField(label=_("Phone"), max_length=30)
    email = forms.EmailField(label=_("Email"), required=False)
    language = forms.ChoiceField(label=_("Preferred language"), choices=Parent.Language.choices)
    consent_method = forms.ChoiceField(label=_("Consent to data processing given"), choices=Consent.Method.choices)

    def clean_phone(self) -> str:
        return normalize_phone(self.cleaned_data["phone"])


class ChildForm(BootstrapMixin, forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    birth_date = forms.DateField(label=_("Birth date"), widget=DateInput())
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices)
    iin = forms.CharField(label=_("IIN"), max_length=12, required=False, help_text=_("Optional; 12 digits."))
    consent = forms.BooleanField(label=_("The parent consents to processing the child's data"))
    consent_method = forms.ChoiceField(label=_("How consent was given"), choices=Consent.Method.choices)

    def clean_birth_date(self):
        day = self.cleaned_data["birth_date"]
        validate_birth_date(day)
        return day

    def clean_iin(self) -> str:
        iin = self.cleaned_data.get("iin", "").strip()
        if iin:
            validate_iin(iin)
        return iin

    def clean(self):
        data = super().clean()
        if data.get("iin") and data.get("birth_date") and data.get("sex"):
            try:
                validate_iin_matches(data["iin"], birth_date=data["birth_date"], sex=data["sex"])
            except ValidationError as exc:
                self.add_error("iin", exc.error_dict["iin"])
        return data
