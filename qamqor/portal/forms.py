from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from qamqor.core.forms import BootstrapMixin, DateInput
from qamqor.core.validators import normalize_phone, validate_birth_date
from qamqor.families.models import Parent, Sex
from qamqor.journal.models import Topic
from qamqor.orgs.models import District, Membership, Region
from qamqor.portal.files import PDF_MAX_MB, VIDEO_MAX_MB
from qamqor.portal.models import MAX_CHILD_AGE, Material, MaterialKind, MaterialLanguage

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


def checked_child_birth_date(day: dt.date | None) -> dt.date | None:
    """A child's birth date on a public form: not in the future, and a child's (under 18)."""
    if day:
        validate_birth_date(day)
    if day and day.year < timezone.localdate().year - OLDEST_CHILD_YEARS:
        raise ValidationError(
            _("Please check the birth date: the child must be under %(years)d.") % {"years": OLDEST_CHILD_YEARS}
        )
    return day


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
        return checked_child_birth_date(self.cleaned_data.get("child_birth_date"))

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


RATING_REQUIRED = _("Choose a rating from 1 to 5.")


class FeedbackForm(forms.Form):
    """The parent's rating of a consultation: five labelled choices, and a comment if they like."""

    rating = forms.TypedChoiceField(
        label=_("Your rating"),
        coerce=int,
        choices=[
            (5, _("5 — excellent")),
            (4, _("4 — good")),
            (3, _("3 — satisfactory")),
            (2, _("2 — poor")),
            (1, _("1 — very poor")),
        ],
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        error_messages={"required": RATING_REQUIRED, "invalid_choice": RATING_REQUIRED},
    )
    comment = forms.CharField(
        label=_("Your comment (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": 2000, "class": "form-control"}),
        help_text=_("What helped you, what could be better. Please do not write other people's personal data here."),
    )


# --- Materials and questions ---


def age_choices() -> list[tuple[str, str]]:
    """Whole years, built per request (the plural differs by number and by language)."""
    return [
        ("0", gettext("under 1 year")),
        *((str(n), ngettext("%(n)d year", "%(n)d years", n) % {"n": n}) for n in range(1, MAX_CHILD_AGE + 1)),
    ]


class MaterialFilterForm(BootstrapMixin, forms.Form):
    """The parents' filters of the materials list: all optional, all in the address."""

    q = forms.CharField(label=_("Words in the title or the text"), max_length=100, required=False)
    topic = forms.ChoiceField(label=_("Topic"), required=False)
    age = forms.TypedChoiceField(label=_("Child's age"), coerce=int, empty_value=None, required=False)
    kind = forms.ChoiceField(label=_("Kind of material"), required=False)
    language = forms.ChoiceField(label=_("Language"), required=False)

    def __init__(self, *args, topics: Sequence[Topic], **kwargs):
        super().__init__(*args, **kwargs)
        self.topics = {t.code: t for t in topics}
        self.fields["topic"].choices = [("", _("All topics")), *((t.code, t.name) for t in topics)]
        self.fields["age"].choices = [("", _("Any age")), *age_choices()]
        self.fields["kind"].choices = [("", _("All kinds")), *MaterialKind.choices]
        self.fields["language"].choices = [("", _("Any language")), ("kk", _("in Kazakh")), ("ru", _("in Russian"))]

    def clean_topic(self) -> Topic | None:
        return self.topics.get(self.cleaned_data.get("topic", ""))

    def filters(self) -> dict:
        """The chosen filters, as selectors.public_materials takes them; none for a bad form."""
        if not self.is_bound or not self.is_valid():
            return {}
        d = self.cleaned_data
        return {"topic": d["topic"], "age": d["age"], "kind": d["kind"], "language": d["language"], "text": d["q"]}


class MaterialForm(BootstrapMixin, forms.Form):
    """A material as its author writes it; the service decides what each kind needs."""

    kind = forms.ChoiceField(label=_("Kind of material"), choices=MaterialKind.choices)
    language = forms.ChoiceField(
        label=_("Language of the material"),
        choices=MaterialLanguage.choices,
        help_text=_("The language a parent reads or watches it in. Write the title (and the text) in each."),
    )
    title_kk = forms.CharField(label=_("Title in Kazakh"), max_length=200, required=False)
    title_ru = forms.CharField(label=_("Title in Russian"), max_length=200, required=False)
    body_kk = forms.CharField(
        label=_("Text in Kazakh"), required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 8})
    )
    body_ru = forms.CharField(
        label=_("Text in Russian"), required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 8})
    )
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics"), queryset=Topic.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    age_from = forms.IntegerField(label=_("Child's age from, years"), min_value=0, max_value=MAX_CHILD_AGE, required=False)
    age_to = forms.IntegerField(label=_("Child's age to, years"), min_value=0, max_value=MAX_CHILD_AGE, required=False)
    file = forms.FileField(
        label=_("File"),
        required=False,
        widget=forms.FileInput(attrs={"accept": ".pdf,.mp4,.webm,application/pdf,video/mp4,video/webm"}),
    )
    remove_file = forms.BooleanField(label=_("Remove the file"), required=False)
    video_url = forms.URLField(
        label=_("Video link"),
        required=False,
        assume_scheme="https",
        help_text=_("Instead of a file: a link to the video on another site."),
    )

    def __init__(self, *args, has_file: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topics"].queryset = Topic.objects.filter(is_active=True)
        self.fields["file"].help_text = gettext(
            "A booklet, a memo or a game: PDF, at most %(pdf)d MB. A video: MP4 or WebM, at most %(video)d MB."
        ) % {"pdf": PDF_MAX_MB, "video": VIDEO_MAX_MB}
        if not has_file:
            del self.fields["remove_file"]

    def clean(self) -> dict:
        data = super().clean()
        if data.get("age_from") is not None and data.get("age_to") is not None and data["age_from"] > data["age_to"]:
            self.add_error("age_to", _("The upper age is below the lower one."))
        return data

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        values = {name: d[name] for name in ("kind", "language", "title_kk", "title_ru", "body_kk", "body_ru")}
        values.update(age_from=d["age_from"], age_to=d["age_to"], video_url=d["video_url"])
        kwargs = {**values, "topics": list(d["topics"]), "upload": d.get("file")}
        if "remove_file" in self.fields:  # editing a material that has a file
            kwargs["remove_file"] = d["remove_file"]
        return kwargs

    @staticmethod
    def initial_for(material: Material) -> dict:
        names = ("kind", "language", "title_kk", "title_ru", "body_kk", "body_ru", "age_from", "age_to", "video_url")
        return {**{name: getattr(material, name) for name in names}, "topics": list(material.topics.all())}


class QuestionForm(BootstrapMixin, forms.Form):
    """A parent's question: the question alone is required; contacts only to get an answer."""

    text = forms.CharField(label=_("Your question"), max_length=2000, widget=forms.Textarea(attrs={"rows": 5, "maxlength": 2000}))
    name = forms.CharField(label=_("Your name (optional)"), max_length=200, required=False)
    phone = forms.CharField(
        label=_("Phone (optional)"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(
        label=_("Email (optional)"),
        required=False,
        help_text=_("The answer comes to this address."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    contacts_consent = forms.BooleanField(
        label=_("I agree that the organisation uses my name and contacts only to answer this question."),
        required=False,
    )
    may_publish = forms.BooleanField(
        label=_("You may publish my question and the answer on the site (without my name)."), required=False
    )
    # The trap for robots, as on the application form.
    website = forms.CharField(label=_("Leave this field empty"), required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    def clean_phone(self) -> str:
        phone = self.cleaned_data.get("phone", "").strip()
        return normalize_phone(phone) if phone else ""

    def clean(self) -> dict:
        data = super().clean()
        if data.get("website"):
            raise ValidationError(
                _("Your question was not sent: the field “Leave this field empty” must stay empty."), code="trap"
            )
        has_contacts = any(data.get(name) for name in ("name", "phone", "email")) or "phone" in self.errors
        if has_contacts and not data.get("contacts_consent"):
            self.add_error(
                "contacts_consent",
                _("To answer you we need your consent to use your contacts. Or leave them empty to ask anonymously."),
            )
        return data


class AnswerForm(BootstrapMixin, forms.Form):
    answer = forms.CharField(label=_("Answer"), max_length=4000, widget=forms.Textarea(attrs={"rows": 6}))
    public_text = forms.CharField(
        label=_("The question as the site shows it"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Remove names and anything else that could identify the family."),
    )


# --- Sign-up for a group session (portal/session_signup.py) ---

SESSION_CONSENT_TEXT = _(
    "I agree that %(organisation)s processes my personal data and my child's (full name, phone, the child's name, "
    "birth date and sex) to hold this session: to keep my place, to contact me about it and to record who took "
    "part. The organisation keeps the data and passes it to no one without my consent (Law of the Republic of "
    "Kazakhstan «On personal data and their protection»). I may withdraw my consent at any time by contacting "
    "the organisation."
)


class SessionSignUpForm(BootstrapMixin, forms.Form):
    """A family's sign-up for a session: the parent, the child when the session is for children,
    the consent, and the robots' trap. The service checks again what decides (the places)."""

    parent_full_name = forms.CharField(label=_("Your full name"), max_length=200)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=30,
        help_text=_("For example +7 701 123 45 67."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    child_full_name = forms.CharField(label=_("Child's full name"), max_length=200)
    child_birth_date = forms.DateField(label=_("Child's birth date"), widget=DateInput())
    child_sex = forms.ChoiceField(label=_("Boy or girl"), choices=[("", "—"), *Sex.choices])
    language = forms.ChoiceField(label=_("Language for the consultation and letters"), choices=Parent.Language.choices)
    consent = forms.BooleanField(
        label=_("I agree to the processing of my and my child's personal data as written above."),
        error_messages={"required": _("Without your consent to data processing we cannot sign you up.")},
    )
    website = forms.CharField(label=_("Leave this field empty"), required=False, max_length=200)

    def __init__(self, *args, for_children: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not for_children:  # a consultation: the parent takes the place
            for name in ("child_full_name", "child_birth_date", "child_sex"):
                del self.fields[name]
        self.fields["parent_full_name"].widget.attrs["autocomplete"] = "name"
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    def clean_parent_full_name(self) -> str:
        return " ".join(self.cleaned_data["parent_full_name"].split())

    def clean_phone(self) -> str:
        return normalize_phone(self.cleaned_data["phone"])

    def clean_child_birth_date(self) -> dt.date | None:
        return checked_child_birth_date(self.cleaned_data.get("child_birth_date"))

    def clean(self) -> dict:
        data = super().clean()
        if data.get("website"):
            raise ValidationError(_("You were not signed up: the field “Leave this field empty” must stay empty."), code="trap")
        return data

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        return {
            "parent_full_name": d["parent_full_name"],
            "phone": d["phone"],
            "language": d["language"],
            "consent_given": d["consent"],
            "child_full_name": d.get("child_full_name", ""),
            "child_birth_date": d.get("child_birth_date"),
            "child_sex": d.get("child_sex", ""),
        }
