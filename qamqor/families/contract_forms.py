from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qamqor.core.forms import BootstrapMixin, DateInput
from qamqor.families.models import Contract, Parent


class ContractDraftForm(BootstrapMixin, forms.Form):
    child = forms.ModelChoiceField(label=_("Child"), queryset=None, empty_label=None)
    language = forms.ChoiceField(label=_("Language of the contract"), choices=Parent.Language.choices)

    def __init__(self, *args, parent: Parent, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["child"].queryset = parent.children.all()
        self.fields["language"].initial = parent.language


class ContractSignForm(BootstrapMixin, forms.Form):
    signed_on = forms.DateField(label=_("Signed on"), widget=DateInput(), initial=timezone.localdate)
    scan = forms.FileField(label=_("Signed scan (PDF, JPEG or PNG)"))


class ContractEndForm(BootstrapMixin, forms.Form):
    ended_on = forms.DateField(label=_("Ended on"), widget=DateInput(), initial=timezone.localdate)


class ContractTemplateForm(BootstrapMixin, forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=Parent.Language.choices)
    file = forms.FileField(label=_("Template (DOCX)"))


class ContractFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("All"))] + list(Contract.Status.choices), required=False)
