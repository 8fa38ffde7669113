from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qamqor.core.forms import BootstrapMixin, DateInput
from qamqor.families.models import Child, Parent
from qamqor.orgs.models import Membership, Room
from qamqor.scheduling.formats import FORMAT_CHOICES
from qamqor.scheduling.models import Participant


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        kwargs.setdefault("format", "%H:%M")
        super().__init__(**kwargs)


class SpecialistChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Membership) -> str:
        return f"{obj.person_name} · {obj.get_role_display()}"


class SessionForm(BootstrapMixin, forms.Form):
    """Schedule a session; the service checks the format's rules and the booking rules."""

    format = forms.ChoiceField(label=_("format"), choices=FORMAT_CHOICES)
    specialists = SpecialistChoiceField(label=_("specialists"), queryset=Membership.objects.none())
    date = forms.DateField(label=_("date"), widget=DateInput())
    time = forms.TimeField(label=_("time"), widget=TimeInput())
    minutes = forms.IntegerField(
        label=_("length, minutes"), min_value=10, max_value=240, required=False, help_text=_("Empty: the point's slot length.")
    )
    room = forms.ModelChoiceField(
        label=_("room"), queryset=Room.objects.none(), required=False, help_text=_("Empty: the specialist's room.")
    )
    capacity = forms.IntegerField(
        label=_("places"), min_value=1, max_value=100, required=False, help_text=_("Empty: as many as the format allows.")
    )
    meeting_url = forms.URLField(label=_("meeting link"), required=False, assume_scheme="https")
    public_sign_up = forms.BooleanField(
        label=_("open to sign-up on the site"),
        required=False,
        help_text=_("Parents find the session on the consultation point's page and take a place themselves."),
    )

    def __init__(self, *args, organization_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["specialists"].queryset = Membership.objects.consultants(organization_id)
        self.fields["room"].queryset = Room.objects.filter(organization_id=organization_id)

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        starts_at = timezone.make_aware(dt.datetime.combine(data["date"], data["time"]))
        return {
            "format": data["format"],
            "specialists": list(data["specialists"]),
            "starts_at": starts_at,
            "minutes": data["minutes"],
            "room": data["room"],
            "capacity": data["capacity"],
            "meeting_url": data["meeting_url"],
            "public_sign_up": data["public_sign_up"],
        }


class ParticipantForm(BootstrapMixin, forms.Form):
    """Add a child and/or a parent; the families offered are the organisation's, with consent."""

    child = forms.ModelChoiceField(label=_("child"), queryset=Child.objects.none(), required=False)
    parent = forms.ModelChoiceField(label=_("parent"), queryset=Parent.objects.none(), required=False)
    parent_present = forms.BooleanField(label=_("the parent attends"), required=False)

    def __init__(self, *args, children, parents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["child"].queryset = children
        self.fields["parent"].queryset = parents


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        choices=[(s, s) for s in (Participant.Status.REGISTERED, Participant.Status.ATTENDED, Participant.Status.ABSENT)]
    )
