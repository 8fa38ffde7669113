"""Forms of the social service: they parse input; the services decide."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qamqor.core.academic_year import academic_year_label, current_academic_year
from qamqor.core.forms import BootstrapMixin, DateInput
from qamqor.orgs.models import Membership
from qamqor.social.models import Category, SchoolClass, SupportKind


def year_choices() -> list[tuple[int, str]]:
    this = current_academic_year()
    return [(y, academic_year_label(y)) for y in range(this + 1, this - 5, -1)]


class ClassForm(BootstrapMixin, forms.Form):
    academic_year = forms.TypedChoiceField(label=_("academic year"), coerce=int, choices=year_choices)
    name = forms.CharField(label=_("class or group"), max_length=40, help_text=_("For example 5А or «Балапан»."))
    class_teacher = forms.ModelChoiceField(label=_("class teacher"), queryset=Membership.objects.none(), required=False)

    def __init__(self, *args, organization_id: int, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["class_teacher"].queryset = (
            Membership.objects.active().filter(organization_id=organization_id).select_related("user").order_by("user__full_name")
        )
        self.fields["class_teacher"].label_from_instance = lambda m: f"{m.person_name} · {m.get_role_display()}"
        self.fields["academic_year"].initial = current_academic_year()
        if editing:
            del self.fields["academic_year"]


class CategoryForm(BootstrapMixin, forms.Form):
    category = forms.ChoiceField(label=_("category"), choices=Category.choices)
    starts_on = forms.DateField(label=_("from"), widget=DateInput())
    ends_on = forms.DateField(label=_("ended on"), widget=DateInput(), required=False)
    document_number = forms.CharField(label=_("document number"), max_length=60, required=False)
    document_date = forms.DateField(label=_("document date"), widget=DateInput(), required=False)


class EndForm(BootstrapMixin, forms.Form):
    ends_on = forms.DateField(label=_("ended on"), widget=DateInput())


class HousingActForm(BootstrapMixin, forms.Form):
    visited_on = forms.DateField(label=_("visit date"), widget=DateInput())
    visitors = forms.CharField(label=_("who visited"), max_length=300)
    living_conditions = forms.CharField(label=_("living conditions"), widget=forms.Textarea(attrs={"rows": 3}))
    findings = forms.CharField(label=_("findings"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    recommendations = forms.CharField(label=_("recommendations"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class SupportForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("support"), choices=SupportKind.choices)
    given_on = forms.DateField(label=_("date"), widget=DateInput())
    amount = forms.DecimalField(label=_("amount, tenge"), max_digits=12, decimal_places=2, min_value=0, required=False)
    note = forms.CharField(label=_("note"), max_length=300, required=False)


class EnrolForm(BootstrapMixin, forms.Form):
    school_class = forms.ModelChoiceField(label=_("class or group"), queryset=SchoolClass.objects.none())
    enrolled_on = forms.DateField(label=_("arrived on"), widget=DateInput())

    def __init__(self, *args, organization_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school_class"].queryset = SchoolClass.objects.filter(
            organization_id=organization_id, academic_year__gte=current_academic_year()
        )


class LeaveForm(BootstrapMixin, forms.Form):
    left_on = forms.DateField(label=_("left on"), widget=DateInput())


def default_enrolment_day(academic_year: int) -> dt.date:
    """Today within the year; the year's first day if it has not begun, its last if it is over."""
    first, last = dt.date(academic_year, 9, 1), dt.date(academic_year + 1, 8, 31)
    return min(max(timezone.localdate(), first), last)


class ImportForm(BootstrapMixin, forms.Form):
    academic_year = forms.TypedChoiceField(label=_("academic year"), coerce=int, choices=year_choices)
    enrolled_on = forms.DateField(
        label=_("arrived on"), widget=DateInput(), required=False, help_text=_("Empty: today, within the academic year.")
    )
    file = forms.FileField(label=_("XLSX file"))


class ImportConfirmForm(BootstrapMixin, forms.Form):
    consent_on_file = forms.BooleanField(
        label=_("The parents' written consents to process the new children's data are on file."), required=False
    )


class PassportForm(BootstrapMixin, forms.Form):
    on = forms.DateField(label=_("as of"), widget=DateInput(), required=False)
    school_class = forms.ModelChoiceField(
        label=_("class or group"), queryset=SchoolClass.objects.none(), required=False, empty_label=_("whole organisation")
    )

    def __init__(self, *args, organization_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school_class"].queryset = SchoolClass.objects.filter(organization_id=organization_id)


class CountsForm(BootstrapMixin, forms.Form):
    on = forms.DateField(label=_("as of"), widget=DateInput(), required=False)


class SocialSettingsForm(BootstrapMixin, forms.Form):
    joint_plan_access = forms.BooleanField(
        label=_("Joint-plan access"),
        required=False,
        help_text=_("A psychologist or class teacher may read the social records of the children a joint plan gives them."),
    )


class JointAccessForm(BootstrapMixin, forms.Form):
    plan = forms.ModelChoiceField(label=_("joint plan"), queryset=None)
    member = forms.ModelChoiceField(label=_("staff member"), queryset=Membership.objects.none())
    school_class = forms.ModelChoiceField(
        label=_("class or group"),
        queryset=SchoolClass.objects.none(),
        required=False,
        help_text=_("For a class teacher: their own class."),
    )
    children = forms.ModelMultipleChoiceField(
        label=_("children"),
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text=_("For a psychologist: the children the joint plan names."),
    )

    def __init__(self, *args, organization_id: int, **kwargs):
        from qamqor.families.models import Child
        from qamqor.plans.models import Plan
        from qamqor.social.models import JOINT_PLAN_ROLES

        super().__init__(*args, **kwargs)
        year = current_academic_year()
        self.fields["plan"].queryset = Plan.objects.filter(
            organization_id=organization_id, academic_year=year, kind__in=list(JOINT_PLAN_ROLES)
        ).order_by("kind", "pk")
        self.fields["plan"].label_from_instance = lambda p: f"{p.shown_title} · {p.year_label}"
        self.fields["member"].queryset = (
            Membership.objects.active()
            .filter(organization_id=organization_id, role__in=set(JOINT_PLAN_ROLES.values()))
            .select_related("user")
            .order_by("user__full_name")
        )
        self.fields["member"].label_from_instance = lambda m: f"{m.person_name} · {m.get_role_display()}"
        self.fields["school_class"].queryset = SchoolClass.objects.filter(organization_id=organization_id, academic_year=year)
        self.fields["children"].queryset = Child.objects.filter(organization_id=organization_id).order_by("full_name", "pk")
