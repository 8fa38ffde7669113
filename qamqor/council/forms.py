from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qamqor.core.forms import BootstrapMixin, DateInput
from qamqor.council.models import AgendaItem, Decision, Meeting, Member
from qamqor.orgs.models import Membership


def staff_of(organization_id: int):
    return (
        Membership.objects.filter(organization_id=organization_id, is_active=True)
        .select_related("user")
        .order_by("user__full_name", "pk")
    )


def _staff_label(membership: Membership) -> str:
    return f"{membership.person_name} · {membership.get_role_display()}"


class MemberForm(BootstrapMixin, forms.Form):
    membership = forms.ModelChoiceField(queryset=Membership.objects.none(), label=_("Staff member"))
    position = forms.ChoiceField(choices=Member.Position.choices, label=_("Place on the centre"), initial=Member.Position.MEMBER)

    def __init__(self, *args, organization_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["membership"].queryset = staff_of(organization_id)
        self.fields["membership"].label_from_instance = _staff_label


class MeetingForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ("kind", "date", "starts_at", "format", "place", "chair", "secretary")
        widgets = {"date": DateInput(), "starts_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}

    def __init__(self, *args, organization_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        members = Member.objects.active().filter(organization_id=organization_id).select_related("membership__user")
        for name in ("chair", "secretary"):
            self.fields[name].queryset = members
            self.fields[name].help_text = _("Leave empty to take the centre's current one.") if self.instance.pk is None else ""

    def _post_clean(self) -> None:
        pass  # the service validates

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["place"] = data.get("place") or ""
        for name in ("chair", "secretary"):
            if data.get(name) is None and self.instance.pk is None:
                data.pop(name)  # the service takes the centre's current one
        return data


class AttendanceForm(BootstrapMixin, forms.Form):
    present = forms.ModelMultipleChoiceField(
        queryset=Member.objects.none(),
        required=False,
        label=_("Members present"),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "me-1"}),
    )
    invited = forms.CharField(
        required=False,
        label=_("Invited"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("People who are not members and took part, one per line."),
    )

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        # Today's members, and those who were present then but have left since.
        self.fields["present"].queryset = (
            Member.objects.filter(organization_id=meeting.organization_id)
            .filter(Q(is_active=True) | Q(meetings_attended=meeting))
            .distinct()
            .select_related("membership__user")
            .order_by("membership__user__full_name")
        )


class AgendaItemForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = ("topic", "heard", "spoke", "proposals")
        widgets = {
            "topic": forms.Textarea(attrs={"rows": 2}),
            "heard": forms.Textarea(attrs={"rows": 4}),
            "spoke": forms.Textarea(attrs={"rows": 3}),
            "proposals": forms.Textarea(attrs={"rows": 3}),
        }

    def _post_clean(self) -> None:
        pass


class DecisionForm(BootstrapMixin, forms.ModelForm):
    # Not required here: the service refuses a decision without one, with its own message.
    responsible = forms.ModelChoiceField(queryset=Membership.objects.none(), required=False, label=_("Responsible"))
    deadline = forms.DateField(required=False, label=_("Deadline"), widget=DateInput())

    class Meta:
        model = Decision
        fields = ("text", "responsible", "deadline")
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, organization_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = staff_of(organization_id)
        self.fields["responsible"].label_from_instance = _staff_label
        self.fields["text"].required = False

    def _post_clean(self) -> None:
        pass


class DecisionDoneForm(BootstrapMixin, forms.Form):
    done_on = forms.DateField(required=False, label=_("Done on"), widget=DateInput())
    result_note = forms.CharField(required=False, label=_("How it was done"))
