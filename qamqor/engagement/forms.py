from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qamqor.core.academic_year import academic_year_bounds, current_academic_year
from qamqor.core.forms import BootstrapMixin, DateInput
from qamqor.core.validators import normalize_phone
from qamqor.engagement.models import Event, Idea
from qamqor.engagement.services import EVENT_FIELDS
from qamqor.families.models import Parent


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        kwargs.setdefault("format", "%Y-%m-%dT%H:%M")
        super().__init__(**kwargs)


class EventForm(BootstrapMixin, forms.ModelForm):
    """The back office's event form; the service checks the rules (Event.clean and more)."""

    meeting_url = forms.URLField(label=_("meeting link"), required=False, assume_scheme="https")

    class Meta:
        model = Event
        fields = (*EVENT_FIELDS, "parent_organizers")  # the columns the services write, and the organisers
        widgets = {
            "starts_at": DateTimeInput(),
            "ends_at": DateTimeInput(),
            "description_kk": forms.Textarea(attrs={"rows": 3}),
            "description_ru": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {
            "title_kk": _("Title in Kazakh"),
            "title_ru": _("Title in Russian"),
            "description_kk": _("Description in Kazakh"),
            "description_ru": _("Description in Russian"),
        }

    def __init__(self, *args, organization_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent_organizers"].queryset = Parent.objects.consenting().filter(organization_id=organization_id)
        self.fields["parent_organizers"].help_text = _("Only when parents organise the event.")

    def _post_clean(self) -> None:
        # The service validates the event (and more); the form only parses input.
        pass

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["parent_organizers"] = list(data.get("parent_organizers") or [])
        for name in ("title_kk", "title_ru", "description_kk", "description_ru", "place", "meeting_url", "audience"):
            data[name] = data.get(name) or ""
        return data


class PersonForm(BootstrapMixin, forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    phone = forms.CharField(label=_("Phone"), max_length=30, widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["full_name"].widget.attrs["autocomplete"] = "name"

    def clean_phone(self) -> str:
        phone = self.cleaned_data.get("phone", "").strip()
        return normalize_phone(phone) if phone else ""


class WalkInForm(PersonForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone"].required = False
        self.fields["phone"].label = _("Phone (optional)")


class SignUpForm(PersonForm):
    """The public sign-up: a name, a phone, the consent to use them, and the robots' trap."""

    consent = forms.BooleanField(
        label=_("I agree that the organisation uses my name and phone number for this event."), required=True
    )
    website = forms.CharField(label=_("Leave this field empty"), required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent"].error_messages["required"] = _("Without your consent we cannot sign you up.")
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    def clean(self) -> dict:
        data = super().clean()
        if data.get("website"):
            raise ValidationError(_("You were not signed up: the field “Leave this field empty” must stay empty."), code="trap")
        return data


class IdeaForm(BootstrapMixin, forms.Form):
    text = forms.CharField(label=_("Your idea"), max_length=2000, widget=forms.Textarea(attrs={"rows": 5, "maxlength": 2000}))
    name = forms.CharField(
        label=_("Your name (optional)"),
        max_length=200,
        required=False,
        help_text=_("The site shows the idea without your name."),
    )
    website = forms.CharField(label=_("Leave this field empty"), required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    def clean(self) -> dict:
        data = super().clean()
        if data.get("website"):
            raise ValidationError(_("Your idea was not sent: the field “Leave this field empty” must stay empty."), code="trap")
        return data


class IdeaStatusForm(BootstrapMixin, forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Idea.Status.choices)
    note = forms.CharField(
        label=_("Note"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown on the public site with an accepted idea: what will be done and when."),
    )


class PeriodForm(BootstrapMixin, forms.Form):
    start = forms.DateField(label=_("From"), widget=DateInput())
    end = forms.DateField(label=pgettext_lazy("end of a date range", "To"), widget=DateInput())

    @staticmethod
    def default_period() -> tuple[dt.date, dt.date]:
        return academic_year_bounds(current_academic_year())

    def clean(self) -> dict:
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise ValidationError(_("The end of the period is before its start."), code="period")
        return data


class ReceptionForm(PersonForm):
    """A visit to the administration: a time of one host's (host id and the time's timestamp),
    the visitor, the topic, the consent, and the robots' trap."""

    slot = forms.CharField(label=_("Time"), error_messages={"required": _("Choose a time.")})
    topic = forms.CharField(
        label=_("What would you like to talk about?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 500}),
    )
    consent = forms.BooleanField(
        label=_("I agree that the organisation uses my name, phone number and topic for this visit."), required=True
    )
    website = forms.CharField(label=_("Leave this field empty"), required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent"].error_messages["required"] = _("Without your consent we cannot book the visit.")
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    def clean_slot(self) -> tuple[int, dt.datetime]:
        try:
            host_id, stamp = map(int, self.cleaned_data["slot"].split("-"))
            return host_id, dt.datetime.fromtimestamp(stamp, tz=dt.UTC)
        except (ValueError, OverflowError, OSError) as exc:
            raise ValidationError(_("Choose a time."), code="slot") from exc

    def clean(self) -> dict:
        data = super().clean()
        if data.get("website"):
            raise ValidationError(_("The visit was not booked: the field “Leave this field empty” must stay empty."), code="trap")
        return data
