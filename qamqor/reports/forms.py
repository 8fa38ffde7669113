from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from qamqor.core.forms import BootstrapMixin
from qamqor.reports.models import Audience, Half


class SafetyForm(BootstrapMixin, forms.Form):
    """Counts only: the form has no field where a name could go (seed 003, criterion 4)."""

    academic_year = forms.IntegerField(label=_("Academic year (the year it starts)"), min_value=2000, max_value=2100)
    half = forms.TypedChoiceField(label=_("Half-year"), choices=Half.choices, coerce=int)
    offences = forms.IntegerField(label=_("Offences"), min_value=0, max_value=100_000)
    bullying = forms.IntegerField(label=_("Bullying cases"), min_value=0, max_value=100_000)
    suicide = forms.IntegerField(label=_("Suicide cases"), min_value=0, max_value=100_000)


class SurveyForm(BootstrapMixin, forms.Form):
    """The survey in Kazakh, Russian or both (services.survey_create checks that at least one is
    given and that both list the same questions)."""

    title = forms.CharField(label=_("Title in Kazakh"), max_length=200, required=False)
    title_ru = forms.CharField(label=_("Title in Russian"), max_length=200, required=False)
    audience = forms.ChoiceField(label=_("For whom"), choices=Audience.choices)
    questions = forms.CharField(
        label=_("Questions in Kazakh, one a line"),
        max_length=10_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Start a line with * for a scale from 1 to 5. Separate answers to choose from with |, "
            "e.g. “How do you prefer to meet? | In person | Online”. Any other line is a question answered in free text."
        ),
    )
    questions_ru = forms.CharField(
        label=_("Questions in Russian, one a line"),
        max_length=10_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Optional: the same questions in the same order, so each respondent reads them in their language."),
    )
