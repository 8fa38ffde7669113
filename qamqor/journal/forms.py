from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qamqor.core.forms import BootstrapMixin, DateInput
from qamqor.core.validators import normalize_phone, validate_birth_date, validate_iin, validate_iin_matches
from qamqor.families.models import Child, Consent, Parent, Sex
from qamqor.journal.hooks import completion_extensions
from qamqor.journal.models import Channel, Request, Topic
from qamqor.journal.services import PHONE_ANSWER_MAX_MINUTES
from qamqor.orgs.models import Membership


class IntakeForm(BootstrapMixin, forms.Form):
    """A request from any channel, for a known parent or a new one (with consent)."""

    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    topic = forms.ModelChoiceField(label=_("Topic"), queryset=Topic.objects.filter(is_active=True))
    question = forms.CharField(label=_("Question"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)

    parent = forms.ModelChoiceField(label=_("Parent"), queryset=Parent.objects.none(), required=False)
    parent_full_name = forms.CharField(label=_("New parent: full name"), max_length=200, required=False)
    parent_phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    parent_email = forms.EmailField(label=_("Email"), required=False)
    parent_language = forms.ChoiceField(label=_("Preferred language"), choices=Parent.Language.choices, initial="kk")
    consent_method = forms.ChoiceField(
        label=_("Consent to data processing given"),
        choices=[("", "—"), *Consent.Method.choices],
        required=False,
    )

    child = forms.ModelChoiceField(label=_("Child"), queryset=Child.objects.none(), required=False)
    child_full_name = forms.CharField(label=_("New child: full name"), max_length=200, required=False)
    child_birth_date = forms.DateField(label=_("Birth date"), required=False, widget=DateInput())
    child_sex = forms.ChoiceField(label=_("Sex"), choices=[("", "—"), *Sex.choices], required=False)
    child_iin = forms.CharField(label=_("IIN"), max_length=12, required=False)
    child_consent = forms.BooleanField(label=_("The parent consents to processing the child's data"), required=False)

    answered_now = forms.BooleanField(label=_("Answered at once"), required=False)
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=4000)
    recommendations = forms.CharField(
        label=_("Recommendations"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=4000
    )
    call_minutes = forms.IntegerField(label=_("Call length, minutes"), min_value=1, max_value=240, required=False)

    def __init__(self, *args, organization_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        # Only families whose consent is in force may be chosen: a withdrawn consent stops processing.
        self.fields["parent"].queryset = Parent.objects.filter(organization_id=organization_id).consenting()
        self.fields["child"].queryset = Child.objects.filter(organization_id=organization_id).consenting()

    def clean_parent_phone(self) -> str:
        phone = self.cleaned_data.get("parent_phone", "")
        return normalize_phone(phone) if phone else ""

    def clean_child_iin(self) -> str:
        iin = self.cleaned_data.get("child_iin", "").strip()
        if iin:
            validate_iin(iin)
        return iin

    def clean_child_birth_date(self) -> dt.date | None:
        day = self.cleaned_data.get("child_birth_date")
        if day:
            validate_birth_date(day)
        return day

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("parent"):
            if not data.get("parent_full_name"):
                self.add_error("parent_full_name", _("Choose a parent or enter a new parent's full name."))
            if not data.get("parent_phone") and "parent_phone" not in self.errors:
                self.add_error("parent_phone", _("A new parent needs a phone number."))
            if not data.get("consent_method"):
                self.add_error("consent_method", _("Record how the parent consented to data processing."))
        child = data.get("child")
        if child and data.get("parent") and child.parent_id != data["parent"].pk:
            self.add_error("child", _("This child is not this parent's child."))
        if not child and data.get("child_full_name"):
            for name in ("child_birth_date", "child_sex"):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, _("This field is required."))
            if not data.get("child_consent"):
                self.add_error("child_consent", _("The child's data can be stored only with the parent's consent."))
            if data.get("child_iin") and data.get("child_birth_date") and data.get("child_sex"):
                try:
                    validate_iin_matches(data["child_iin"], birth_date=data["child_birth_date"], sex=data["child_sex"])
                except ValidationError as exc:
                    self.add_error("child_iin", exc.error_dict["iin"])
        if data.get("answered_now"):
            if not data.get("answer"):
                self.add_error("answer", _("Write the answer given."))
            if data.get("channel") == Channel.PHONE:
                minutes = data.get("call_minutes")
                if minutes is None:
                    self.add_error("call_minutes", _("How long did the call take?"))
                elif minutes > PHONE_ANSWER_MAX_MINUTES:
                    self.add_error(
                        "call_minutes",
                        _("A phone answer takes at most %(minutes)d minutes; route a longer question to a specialist.")
                        % {"minutes": PHONE_ANSWER_MAX_MINUTES},
                    )
        return data

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        kwargs = {
            "channel": d["channel"],
            "topic": d["topic"],
            "question": d["question"],
            "parent": d.get("parent"),
            "child": d.get("child"),
        }
        if not d.get("parent"):
            kwargs["new_parent"] = {
                "full_name": d["parent_full_name"],
                "phone": d["parent_phone"],
                "email": d.get("parent_email", ""),
                "language": d["parent_language"],
                "consent_method": d["consent_method"],
            }
        if not d.get("child") and d.get("child_full_name"):
            kwargs["new_child"] = {
                "full_name": d["child_full_name"],
                "birth_date": d["child_birth_date"],
                "sex": d["child_sex"],
                "iin": d.get("child_iin", ""),
                "consent_method": d.get("consent_method") or Consent.Method.PAPER,
            }
        if d.get("answered_now"):
            kwargs.update(answer=d["answer"], recommendations=d.get("recommendations", ""), call_minutes=d.get("call_minutes"))
        return kwargs


class ScheduleForm(BootstrapMixin, forms.Form):
    specialists = forms.ModelMultipleChoiceField(
        label=_("Specialists"), queryset=Membership.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    starts_at = forms.DateTimeField(label=_("Time"), input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"])
    is_online = forms.BooleanField(label=_("Online consultation"), required=False)
    meeting_url = forms.URLField(label=_("Meeting link"), required=False, assume_scheme="https")

    def __init__(self, *args, specialists_queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["specialists"].queryset = specialists_queryset
        self.fields["specialists"].label_from_instance = lambda m: f"{m.person_name} · {m.get_role_display()}"

    def clean(self) -> dict:
        data = super().clean()
        if data.get("is_online") and not data.get("meeting_url"):
            self.add_error("meeting_url", _("An online consultation needs a meeting link."))
        return data


class CompleteForm(BootstrapMixin, forms.Form):
    recommendations = forms.CharField(label=_("Recommendations"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)
    outcome = forms.CharField(label=_("Outcome"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=4000)

    def __init__(self, *args, item: Request | None = None, **kwargs):
        # The apps above the journal add their fields for this request (qamqor/journal/hooks.py),
        # e.g. the public site's materials to recommend; they come with their own widgets' classes.
        super().__init__(*args, **kwargs)
        self.extra_names: list[str] = []
        if item is not None:
            for extension in completion_extensions():
                added = extension.form_fields(item)
                self.fields.update(added)
                self.extra_names += list(added)

    def extra_data(self) -> dict:
        """The cleaned values of the fields the extensions added."""
        return {name: self.cleaned_data[name] for name in self.extra_names if name in self.cleaned_data}


class CancelForm(BootstrapMixin, forms.Form):
    note = forms.CharField(label=_("Reason"), max_length=300, required=False)


class JournalFilterForm(BootstrapMixin, forms.Form):
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=pgettext_lazy("end of a date range", "To"), required=False, widget=DateInput())
    specialist = forms.ModelChoiceField(label=_("Specialist"), queryset=Membership.objects.none(), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    q = forms.CharField(label=_("Search"), required=False, max_length=100)

    def __init__(self, *args, specialists_queryset, statuses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["specialist"].queryset = specialists_queryset
        self.fields["specialist"].label_from_instance = lambda m: f"{m.person_name} · {m.get_role_display()}"
        self.fields["status"].choices = [("", _("all")), *statuses]

    def clean(self) -> dict:
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end of the period is before its start."))
        return data
