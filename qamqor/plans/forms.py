from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from qamqor.core.academic_year import academic_year_bounds, academic_year_label, current_academic_year
from qamqor.core.forms import BootstrapMixin, DateInput
from qamqor.orgs.models import Membership
from qamqor.orgs.roles import ORGANIZATION_ROLES, Role
from qamqor.plans.models import ACADEMIC_MONTHS, Plan, PlanItem, month_name


def year_choices() -> list[tuple[int, str]]:
    now = current_academic_year()
    return [(year, academic_year_label(year)) for year in range(now + 1, now - 4, -1)]


class YearField(forms.TypedChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Academic year"))
        super().__init__(coerce=int, choices=year_choices, **kwargs)


class PlanForm(BootstrapMixin, forms.ModelForm):
    academic_year = YearField()

    class Meta:
        model = Plan
        fields = ("academic_year", "kind", "title", "approval_note", "approved_on")
        widgets = {"approved_on": DateInput()}

    def _post_clean(self) -> None:
        pass  # the service validates (Plan.clean and more)


class MonthsField(forms.TypedMultipleChoiceField):
    """Month choices in the academic year's order, named in the active language."""

    def __init__(self, **kwargs):
        super().__init__(
            coerce=int,
            choices=lambda: [(m, month_name(m)) for m in ACADEMIC_MONTHS],
            widget=forms.CheckboxSelectMultiple(attrs={"class": "me-1"}),
            required=False,
            label=_("Months"),
            **kwargs,
        )


class PlanItemForm(BootstrapMixin, forms.ModelForm):
    months = MonthsField()
    responsible_roles = forms.TypedMultipleChoiceField(
        label=_("Responsible roles"),
        required=False,
        choices=[(r.value, r.label) for r in Role if r in ORGANIZATION_ROLES],
        widget=forms.CheckboxSelectMultiple(attrs={"class": "me-1"}),
    )

    class Meta:
        model = PlanItem
        fields = (
            "number",
            "section",
            "activity",
            "period",
            "months",
            "times",
            "date",
            "period_text",
            "responsible_roles",
            "responsible_people",
            "responsible_text",
            "status",
            "result_note",
            "appointments",
            "events",
            "meetings",
        )
        widgets = {
            "activity": forms.Textarea(attrs={"rows": 4}),
            "result_note": forms.Textarea(attrs={"rows": 2}),
            "responsible_text": forms.Textarea(attrs={"rows": 2}),
            "date": DateInput(),
        }

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        from qamqor.council.models import Meeting
        from qamqor.engagement.models import Event
        from qamqor.scheduling.models import Appointment

        org = plan.organization_id
        self.fields["number"].help_text = _("Leave empty for the next number.")
        self.fields["responsible_people"].queryset = (
            Membership.objects.filter(organization_id=org, is_active=True).select_related("user").order_by("user__full_name")
        )
        self.fields["responsible_people"].label_from_instance = lambda m: f"{m.person_name} · {m.get_role_display()}"
        start, end = academic_year_bounds(plan.academic_year)
        self.fields["events"].queryset = Event.objects.filter(
            organization_id=org, starts_at__date__gte=start, starts_at__date__lte=end
        ).order_by("-starts_at")
        self.fields["meetings"].queryset = Meeting.objects.filter(organization_id=org, academic_year=plan.academic_year)
        # Sessions of the year that took place (group sessions, consultations).
        self.fields["appointments"].queryset = Appointment.objects.filter(
            organization_id=org, starts_at__date__gte=start, starts_at__date__lte=end, status=Appointment.Status.DONE
        ).order_by("-starts_at")
        for name in ("responsible_people", "appointments", "events", "meetings"):
            self.fields[name].required = False
            self.fields[name].widget.attrs["size"] = 5
            # The shared field template gives a multiple select no <label for>: name it here.
            self.fields[name].widget.attrs["aria-label"] = str(self.fields[name].label)

    def _post_clean(self) -> None:
        pass

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        for name in ("number", "section", "period_text", "responsible_text", "result_note"):
            data[name] = data.get(name) or ""
        for name in ("responsible_people", "appointments", "events", "meetings"):
            data[name] = list(data.get(name) or [])
        data["months"] = list(data.get("months") or [])
        data["responsible_roles"] = list(data.get("responsible_roles") or [])
        return data


class ApproveForm(BootstrapMixin, forms.Form):
    meeting = forms.ModelChoiceField(queryset=None, label=_("Meeting of the centre"))

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        from qamqor.council.models import Meeting

        self.fields["meeting"].queryset = Meeting.objects.filter(
            organization_id=plan.organization_id, status=Meeting.Status.HELD
        ).order_by("-date")
