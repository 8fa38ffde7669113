"""The forms of the recognition pages; the services (recognition.py) check the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from qamqor.core.academic_year import academic_year_label, current_academic_year
from qamqor.core.forms import BootstrapMixin
from qamqor.engagement.models import Award, HonorBookConsent
from qamqor.engagement.photos import PHOTO_MAX_MB
from qamqor.families.models import Parent


def year_choices() -> list[tuple[int, str]]:
    """The current academic year and the four before it (awards are given at a year's end)."""
    current = current_academic_year()
    return [(year, academic_year_label(year)) for year in range(current, current - 5, -1)]


class ParentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Parent) -> str:
        return f"{obj.full_name} · {obj.phone_display}"


def _parents(organization_id: int):
    return Parent.objects.filter(organization_id=organization_id, anonymised_at__isnull=True).order_by("full_name", "pk")


class YearForm(BootstrapMixin, forms.Form):
    year = forms.TypedChoiceField(label=_("Academic year"), coerce=int, choices=year_choices)


class AwardForm(BootstrapMixin, forms.Form):
    academic_year = forms.TypedChoiceField(label=_("Academic year"), coerce=int, choices=year_choices)
    kind = forms.ChoiceField(label=_("Award"), choices=Award.Kind.choices)
    parent = ParentChoiceField(
        label=_("Parent"),
        queryset=Parent.objects.none(),
        required=False,
        help_text=_("For «Most active parent» and the «Friendly family» title."),
    )
    group_name = forms.CharField(
        label=_("Group or class"),
        max_length=100,
        required=False,
        help_text=_("For «Best parent collective» and «Best parent committee»."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": 1000}),
        help_text=_("What the award is for; the thank-you letter quotes it."),
    )

    def __init__(self, *args, organization_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = _parents(organization_id)


class HonorEntryForm(BootstrapMixin, forms.Form):
    academic_year = forms.TypedChoiceField(label=_("Academic year"), coerce=int, choices=year_choices)
    parent = ParentChoiceField(label=_("Family (parent on the register)"), queryset=Parent.objects.none())
    family_name = forms.CharField(
        label=_("Family's name as published"), max_length=200, help_text=_("For example: the Serikovs' family.")
    )
    story_kk = forms.CharField(
        label=_("Story in Kazakh"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    story_ru = forms.CharField(
        label=_("Story in Russian"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    photo = forms.FileField(
        label=_("Photo"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )

    def __init__(self, *args, organization_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = _parents(organization_id)
        self.fields["photo"].help_text = _("A JPEG or PNG picture, at most %(limit)d MB.") % {"limit": PHOTO_MAX_MB}


class HonorConsentForm(BootstrapMixin, forms.Form):
    given_by = forms.CharField(label=_("Given by"), max_length=200, help_text=_("The family member who gave the consent."))
    method = forms.ChoiceField(label=_("How given"), choices=HonorBookConsent.Method.choices)
