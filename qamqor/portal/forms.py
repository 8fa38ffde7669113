from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qamqor.core.forms import BootstrapMixin, DateInput
from qamqor.core.validators import normalize_phone, validate_birth_date
from qamqor.families.models import Parent, Sex
from qamqor.journal.models import Topic
from qamqor.orgs.models import District, Membership, Region

# A child older than this is not who a consultation point is for; an earlier date is a typo.
OLDEST_CHILD_YEARS = 18
NO_TIME = "none"

# Shown beside the consent box in the parent's language; families' Consent records that it was given.
CONSENT_TEXT = _(
    "I agree that %(organisation)s processes my personal data and my child's (full name, phone, email, the "
    "child's name, birth date and sex, my question) to handle this request to its consultation point: to contact "
    "me, to book and hold the consultation and to keep the request journal. The organisation keeps the data and "
    "passes it to no one without my consent (Law of the Republic of Kazakhstan «On personal data and their "
    "protection»). I may withdraw my consent at any time by contacting the organisation."
)


class FinderForm(BootstrapMixin, forms.Form):
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.none(), required=False, empty_label=_("All regions")
    )
    district = forms.ModelChoiceField(
        label=_("District"), queryset=District.objects.none(), required=False, empty_label=_("All districts")
    )
    q = forms.CharField(label=_("Name or number of the kindergarten"), max_length=100, required=False)

    def __init__(self, *args, regions, districts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        self.fields["district"].queryset = districts
        # Districts of different regions may share a name.
        self.fields["district"].label_from_instance = lambda d: f"{d.name} · {d.region.name}"


class ChoiceForm(BootstrapMixin, forms.Form):
    """Step one of applying: the topic, then a specialist or anyone suitable.

    Without JavaScript the specialists cannot follow the topic as it is picked, so the page is
    sent again: a specialist who does not fit the newly chosen topic falls back to "anyone"."""

    topic = forms.ChoiceField(label=_("Topic of your question"))
    specialist = forms.ChoiceField(label=_("Specialist"), required=False)

    def __init__(self, data=None, *, topics: Sequence[Topic], specialists_for: Callable[[Topic], list[Membership]]):
        self.topics = {t.code: t for t in topics}
        self.topic = self.topics.get((data or {}).get("topic", ""))
        self.suitable = specialists_for(self.topic) if self.topic is not None else []
        by_pk = {str(m.pk): m for m in self.suitable}
        if data is not None and data.get("specialist", "") not in by_pk:
            data = data.copy()
            data["specialist"] = ""
        self.specialist = by_pk.get(data.get("specialist", "")) if data is not None else None
        super().__init__(data)
        self.fields["topic"].choices = [("", _("Choose a topic")), *((t.code, t.name) for t in topics)]
        self.fields["specialist"].choices = [
            ("", _("Anyone suitable")),
            *((str(m.pk), f"{m.person_name} · {m.get_role_display()}") for m in self.suitable),
        ]


class ApplicationForm(BootstrapMixin, forms.Form):
    slot = forms.CharField(label=_("Time"), required=False, max_length=40)
    parent_full_name = forms.CharField(label=_("Your full name"), max_length=200)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=30,
        help_text=_("For example +7 701 123 45 67."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(
        label=_("Email (optional)"),
        required=False,
        help_text=_("We send the time, the place and your link to change or cancel here."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    child_full_name = forms.CharField(label=_("Child's full name (optional)"), max_length=200, required=False)
    child_birth_date = forms.DateField(label=_("Child's birth date"), required=False, widget=DateInput())
    child_sex = forms.ChoiceField(label=_("Boy or girl"), choices=[("", "—"), *Sex.choices], required=False)
    question = forms.CharField(
        label=_("Your question in a few words"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3, "maxlength": 1000})
    )
    language = forms.ChoiceField(label=_("Language for the consultation and letters"), choices=Parent.Language.choices)
    consent = forms.BooleanField(
        label=_("I agree to the processing of my and my child's personal data as written above."),
        error_messages={"required": _("Without your consent to data processing we cannot record your application.")},
    )
    # The trap for robots: hidden from people by CSS, named for screen readers, filled by bots.
    website = forms.CharField(label=_("Leave this field empty"), required=False, max_length=200)

    def __init__(self, *args, suitable: Sequence[Membership] = (), times_offered: bool = False, **kwargs):
        self.suitable = {m.pk: m for m in suitable}
        self.times_offered = times_offered
        super().__init__(*args, **kwargs)
        self.fields["parent_full_name"].widget.attrs["autocomplete"] = "name"
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    def clean_slot(self) -> tuple[Membership, dt.datetime] | None:
        value = self.cleaned_data.get("slot", "")
        if value == NO_TIME:
            return None
        if not value:
            if self.times_offered:
                raise ValidationError(_("Choose a time, or say that none of the times suits you."))
            return None
        try:
            member_pk, timestamp = (int(part) for part in value.split("-"))
            starts_at = dt.datetime.fromtimestamp(timestamp, tz=dt.UTC)
        except (ValueError, OverflowError, OSError):
            raise ValidationError(_("This time is not in the schedule. Please choose one of the times shown.")) from None
        if member_pk not in self.suitable:
            raise ValidationError(_("This time is not in the schedule. Please choose one of the times shown."))
        return self.suitable[member_pk], starts_at

    def clean_parent_full_name(self) -> str:
        return " ".join(self.cleaned_data["parent_full_name"].split())

    def clean_phone(self) -> str:
        return normalize_phone(self.cleaned_data["phone"])

    def clean_child_birth_date(self) -> dt.date | None:
        day = self.cleaned_data.get("child_birth_date")
        today = timezone.localdate()
        if day:
            validate_birth_date(day)
        if day and day.year < today.year - OLDEST_CHILD_YEARS:
            raise ValidationError(
                _("Please check the birth date: the child must be under %(years)d.") % {"years": OLDEST_CHILD_YEARS}
            )
        return day

    def clean(self) -> dict:
        data = super().clean()
        if data.get("website"):
            raise ValidationError(
                _("Your application was not sent: the field “Leave this field empty” must stay empty."), code="trap"
            )
        if data.get("child_full_name", "").strip():
            for name in ("child_birth_date", "child_sex"):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, _("This field is required."))
        elif data.get("child_birth_date") or data.get("child_sex"):
            self.add_error("child_full_name", _("Enter the child's full name, or leave the child's fields empty."))
        return data

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        specialist, starts_at = d["slot"] or (None, None)
        return {
            "parent_full_name": d["parent_full_name"],
            "phone": d["phone"],
            "email": d.get("email", ""),
            "language": d["language"],
            "child_full_name": d.get("child_full_name", ""),
            "child_birth_date": d.get("child_birth_date"),
            "child_sex": d.get("child_sex", ""),
            "question": d["question"],
            "consent_given": d["consent"],
            "specialist": specialist,
            "starts_at": starts_at,
        }


class RescheduleForm(forms.Form):
    slot = forms.CharField(label=_("New time"), max_length=40, error_messages={"required": _("Choose a new time.")})

    def clean_slot(self) -> dt.datetime:
        try:
            _member_pk, timestamp = (int(part) for part in self.cleaned_data["slot"].split("-"))
            return dt.datetime.fromtimestamp(timestamp, tz=dt.UTC)
        except (ValueError, OverflowError, OSError):
            raise ValidationError(_("This time is not in the schedule. Please choose one of the times shown.")) from None
